import { describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import { dataDiffsModule, page, summaryResults } from '../__fixtures__/data-diffs.js';
import type { DataDiff, DataDiffPage, SummaryResults } from '../src/datafold/data-diffs.js';
import type { DatafoldHttp } from '../src/datafold/http.js';
import type { DiffRow } from '../src/results/results.js';
import { ActionError } from '../src/runtime/errors.js';

jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../src/datafold/data-diffs.js', dataDiffsModule);
const { RunDiffs } = await import('../src/results/read.js');

const http = { host: 'https://app.datafold.com' } as DatafoldHttp;
const item = (id: number, overrides: Partial<DataDiff> = {}): DataDiff => ({
  id,
  ci_run_id: 7,
  status: 'done',
  result: 'identical',
  done: true,
  table1: ['P', `T${id}`],
  table2: ['R', `T${id}`],
  ...overrides
});
const runningItem = (id: number) => item(id, { status: 'processing', result: null, done: false });
const answer = (results: DataDiff[], number = 1, totalPages = 1): DataDiffPage => ({
  page: number,
  page_size: 100,
  count: totalPages * 100,
  total_pages: totalPages,
  results
});
const done: SummaryResults = {
  status: 'done',
  values: { total_rows: 10, rows_with_differences: 0, columns_with_differences: 0 }
};

/** A RunDiffs of CI run 7, and the rows it told as finished. */
function follow(ciRunId: number | null = 7) {
  const told: DiffRow[] = [];
  const diffs = new RunDiffs(http, ciRunId, (row) => told.push(row));
  return { diffs, told, ids: () => told.map(({ report }) => report.diff_id) };
}

/** Lets the background reads run to their end. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('RunDiffs.list', () => {
  it('keeps the run’s own items, once each, in the order they were created', async () => {
    page
      .mockResolvedValueOnce(answer([item(3), item(1), item(2, { ci_run_id: 9 })], 1, 2))
      .mockResolvedValueOnce(answer([item(1), item(10), item(4)], 2, 2));
    const { diffs } = follow();

    await diffs.list();

    expect(page.mock.calls).toEqual([
      [7, 1],
      [7, 2]
    ]);
    const results = diffs.results(false);
    expect(results.readable && results.rows.map(({ report }) => report.diff_id)).toEqual([
      1, 3, 4, 10
    ]);
  });

  it('stops after 20 pages and says the results are incomplete', async () => {
    page.mockImplementation(async (_, number) =>
      answer([item(1000 + number, { ci_run_id: 8 })], number, 50)
    );
    const { diffs } = follow();

    await diffs.list();

    expect(page).toHaveBeenCalledTimes(20);
    expect(diffs.results(true)).toMatchObject({ readable: true, rows: [], incomplete: true });
  });

  it('never throws: a failed listing leaves the results unreadable until one succeeds', async () => {
    page.mockRejectedValue(new ActionError('Datafold at x refused it (HTTP 403)'));
    const { diffs } = follow();

    await diffs.list();
    await diffs.list();

    expect(diffs.results(true)).toEqual({
      ciRunId: 7,
      host: http.host,
      ended: true,
      readable: false,
      reason: 'Datafold at x refused it (HTTP 403)'
    });
    // Said once, not at every poll.
    expect(core.info.mock.calls).toEqual([
      ['Could not list the data diffs of CI run 7: Datafold at x refused it (HTTP 403)']
    ]);
    page.mockResolvedValueOnce(answer([item(1)]));
    await diffs.list();
    expect(diffs.results(true)).toMatchObject({ readable: true, incomplete: false });
  });

  it('cannot list the diffs of a run Datafold did not name', async () => {
    const { diffs } = follow(null);
    await diffs.list();
    expect(page).not.toHaveBeenCalled();
    expect(diffs.results(true)).toMatchObject({
      readable: false,
      reason: 'Datafold did not name the CI run.'
    });
  });
});

describe('reading summaries as diffs finish', () => {
  it('reads each finished diff’s summary once, four at a time, and tells each once', async () => {
    let inFlight = 0;
    let most = 0;
    summaryResults.mockImplementation(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return done;
    });
    const { diffs, ids } = follow();
    page.mockResolvedValueOnce(
      answer([...[1, 2, 3, 4, 5, 6].map((id) => item(id)), runningItem(7)])
    );
    await diffs.list();
    diffs.readFinished();
    await settle();
    page.mockResolvedValueOnce(answer([...[1, 2, 3, 4, 5, 6, 7].map((id) => item(id))]));
    await diffs.list();
    diffs.readFinished();
    await settle();

    expect(summaryResults.mock.calls.map(([id]) => id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(4);
    expect(ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const results = diffs.results(false);
    expect(results.readable && results.rows[6].report.rows_total).toBe(10);
  });

  it('reads a summary that answered "running" again at the next call, and tells it then', async () => {
    summaryResults.mockResolvedValueOnce({ status: 'running' }).mockResolvedValueOnce(done);
    const { diffs, ids } = follow();
    page.mockResolvedValue(answer([item(1)]));
    await diffs.list();
    diffs.readFinished();
    await settle();
    expect(ids()).toEqual([]);
    diffs.readFinished();
    await settle();
    expect(summaryResults).toHaveBeenCalledTimes(2);
    expect(ids()).toEqual([1]);
  });

  it('keeps a summary that could not be read, and tells the diff with why', async () => {
    summaryResults.mockRejectedValue(new ActionError('HTTP 503'));
    const { diffs, told } = follow();
    page.mockResolvedValue(answer([item(1)]));
    await diffs.list();
    diffs.readFinished();
    await settle();
    diffs.readFinished();
    await settle();
    expect(summaryResults).toHaveBeenCalledTimes(1);
    expect(told.map((row) => row.unreadable)).toEqual(['HTTP 503']);
  });

  it('at the end, reads what is missing sixteen at a time and tells every finished diff', async () => {
    let inFlight = 0;
    let most = 0;
    summaryResults.mockImplementation(async (id) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return id === 40 ? { status: 'running' } : done;
    });
    const { diffs, ids } = follow();
    const items = Array.from({ length: 39 }, (_, i) => item(i + 1));
    page.mockResolvedValue(answer([...items, runningItem(40), item(41, { id: null })]));
    await diffs.list();
    diffs.readFinished(); // a diff without an id is told at once, and only once
    await diffs.list();

    await diffs.readRest(true);

    expect(most).toBe(16);
    // The diff still running when the run ended is read too (its summary is its last word).
    expect(summaryResults).toHaveBeenCalledTimes(40);
    expect(ids().sort()).toEqual([...items.map(({ id }) => id), null].sort());
  });

  it('with fail-fast, reads only the finished diffs’ summaries', async () => {
    summaryResults.mockResolvedValue(done);
    const { diffs } = follow();
    page.mockResolvedValue(answer([item(1), runningItem(2)]));
    await diffs.list();
    await diffs.readRest(false);
    expect(summaryResults.mock.calls).toEqual([[1]]);
  });
});
