import { describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import type { DataDiff, DataDiffPage, SummaryResults } from '../src/datafold/data-diffs.js';
import type { DatafoldHttp } from '../src/datafold/http.js';
import { ActionError } from '../src/runtime/errors.js';

const page = jest.fn<(ciRunId: number, page: number) => Promise<DataDiffPage>>();
const summaryResults = jest.fn<(diffId: number) => Promise<SummaryResults>>();

jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../src/datafold/data-diffs.js', () => ({
  PAGE_SIZE: 100,
  DataDiffsApi: class {
    page = page;
    summaryResults = summaryResults;
  }
}));
const { readRunResults } = await import('../src/results/read.js');

const http = { host: 'https://app.datafold.com' } as DatafoldHttp;
const item = (id: number, ciRunId = 7): DataDiff => ({
  id,
  ci_run_id: ciRunId,
  status: 'done',
  result: 'identical',
  table1: ['P', `T${id}`],
  table2: ['R', `T${id}`]
});
const answer = (results: DataDiff[], number: number, totalPages: number): DataDiffPage => ({
  page: number,
  page_size: 100,
  count: totalPages * 100,
  total_pages: totalPages,
  results
});
const running: SummaryResults = { status: 'running' };

describe('readRunResults', () => {
  it('reads summaries a few at a time, in the diffs’ order, each diff once', async () => {
    page
      .mockResolvedValueOnce(answer([item(3), item(1), item(2, 9)], 1, 2))
      .mockResolvedValueOnce(
        answer([item(1), ...Array.from({ length: 9 }, (_, i) => item(10 + i))], 2, 2)
      );
    let inFlight = 0;
    let most = 0;
    summaryResults.mockImplementation(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return running;
    });

    const results = await readRunResults(http, 7);

    expect(page.mock.calls).toEqual([
      [7, 1],
      [7, 2]
    ]);
    expect(results.readable && results.rows.map(({ report }) => report.diff_id)).toEqual([
      1, 3, 10, 11, 12, 13, 14, 15, 16, 17, 18
    ]);
    expect(summaryResults).toHaveBeenCalledTimes(11);
    expect(most).toBe(4);
  });

  it('stops after 20 pages and says the results are incomplete', async () => {
    page.mockImplementation(async (_, number) => answer([item(1000 + number, 8)], number, 50));

    const results = await readRunResults(http, 7);

    expect(page).toHaveBeenCalledTimes(20);
    expect(results).toMatchObject({ readable: true, rows: [], incomplete: true });
  });

  it('never throws: a list it cannot read is an answer, with a warning', async () => {
    page.mockRejectedValue(new ActionError('Datafold at x refused it (HTTP 403)'));

    await expect(readRunResults(http, 7)).resolves.toEqual({
      ciRunId: 7,
      host: http.host,
      readable: false,
      reason: 'Datafold at x refused it (HTTP 403)'
    });
    expect(core.warning).toHaveBeenCalledWith(
      'Could not read the results of Datafold CI run 7: Datafold at x refused it (HTTP 403)'
    );
    await expect(readRunResults(http, null)).resolves.toMatchObject({ readable: false });
  });
});
