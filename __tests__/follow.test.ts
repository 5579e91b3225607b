import { describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import { dataDiffsModule, page, summaryResults } from '../__fixtures__/data-diffs.js';
import type { CiRun, DatafoldApi } from '../src/datafold/api.js';
import type { DataDiff } from '../src/datafold/data-diffs.js';
import type { DatafoldHttp } from '../src/datafold/http.js';
import type { RunResults } from '../src/results/results.js';
import { ActionError } from '../src/runtime/errors.js';

jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../src/datafold/data-diffs.js', dataDiffsModule);
const { followRun } = await import('../src/results/follow.js');

const SHA = 'a'.repeat(40);
const http = { host: 'https://app.datafold.com' } as DatafoldHttp;
const timing = { pollIntervalMs: 1, appearWithinMs: 1000, timeoutMs: 5000 };
const TABLES = 6;

/**
 * A run of TABLES diffs where diff i finishes at poll i + 1 (the third one different) and the
 * run ends at poll `endsAt`; every request is a call on these fakes. A `lagging` list shows the
 * diffs as they were a poll earlier.
 */
function datafold(endsAt = TABLES + 1, status = 'done', lagging = false) {
  let polls = 0;
  let listings = 0;
  const latestRun = jest.fn(async (): Promise<CiRun> => {
    polls++;
    return { id: 7, status: polls >= endsAt ? status : 'running' };
  });
  const itemAt = (i: number): DataDiff => {
    const finished = (lagging ? listings - 1 : polls) > i;
    return {
      id: 100 + i,
      ci_run_id: 7,
      status: finished ? 'done' : 'processing',
      done: finished,
      result: finished ? (i === 2 ? 'different' : 'identical') : null,
      table1: ['PROD', `T${i}`],
      table2: ['PR', `T${i}`]
    };
  };
  page.mockImplementation(async (_, number) => {
    // The list is answered after the runs request of the same poll, as the poll asks both.
    await Promise.resolve();
    listings++;
    const results = Array.from({ length: TABLES }, (_, i) => itemAt(i));
    return { page: number, page_size: 100, count: TABLES, total_pages: 1, results };
  });
  summaryResults.mockImplementation(async () => ({
    status: 'done',
    values: { total_rows: 10, rows_with_differences: 0, columns_with_differences: 0 }
  }));
  const api = { latestRun } as unknown as DatafoldApi;
  return { api, latestRun, polls: () => polls };
}

const logged = () => core.info.mock.calls.map(([line]) => line);
const options = { headSha: SHA, ciRunId: 7, timing, failOn: [], failFast: false };

describe('followRun', () => {
  it('asks for the run and the data diffs once per poll, and reads each summary once', async () => {
    const { api, latestRun, polls } = datafold();
    const known: RunResults[] = [];

    const followed = await followRun(api, http, options, (results) => known.push(results));

    expect(followed.runStatus).toBe('done');
    expect(latestRun).toHaveBeenCalledTimes(polls());
    // The poll that saw the run ended used its own listing: no second one.
    expect(page).toHaveBeenCalledTimes(polls());
    expect(summaryResults.mock.calls.map(([id]) => id).sort()).toEqual([
      100, 101, 102, 103, 104, 105
    ]);
    expect(followed.results).toMatchObject({ ended: true, readable: true });
    expect(known.length).toBeGreaterThanOrEqual(polls());
    expect(known.at(-1)).toBe(followed.results);
  });

  it('logs each diff once as it finishes, with a progress line, before the run ends', async () => {
    const { api } = datafold();

    await followRun(api, http, options, () => {});

    const lines = logged();
    const ended = lines.findIndex((line) => line.startsWith('CI run 7 ended: done'));
    for (let i = 0; i < TABLES; i++) {
      const line = `${i === 2 ? 'different' : 'identical'}: PROD.T${i} → PR.T${i}: 10 rows — https://app.datafold.com/datadiffs/${100 + i}/overview`;
      expect(lines.filter((logged) => logged === line)).toHaveLength(1);
      expect(lines.indexOf(line)).toBeLessThan(ended);
    }
    expect(lines).toContain('1 of 6 data diffs finished: 1 identical');
    expect(lines).toContain('3 of 6 data diffs finished: 1 different, 2 identical');
    expect(lines.at(-1)).toBe('Datafold CI run 7: 6 data diffs (1 different, 5 identical).');
  });

  it('reads every diff when the run ends before they finish', async () => {
    const { api } = datafold(2, 'failed');

    const followed = await followRun(api, http, options, () => {});

    expect(followed.runStatus).toBe('failed');
    expect(summaryResults).toHaveBeenCalledTimes(TABLES);
    const results = followed.results;
    expect(results.readable && results.rows.filter((row) => row.finished)).toHaveLength(2);
  });

  it('lists once more when the run has ended and its list still shows a diff running', async () => {
    const { api, polls } = datafold(TABLES, 'done', true);

    const followed = await followRun(api, http, options, () => {});

    expect(page).toHaveBeenCalledTimes(polls() + 1);
    const results = followed.results;
    expect(results.readable && results.rows.every((row) => row.finished)).toBe(true);
    expect(summaryResults).toHaveBeenCalledTimes(TABLES);
    expect(logged()).toContain('6 of 6 data diffs finished: 1 different, 5 identical');
  });

  it('with fail-fast, stops at the first poll where a finished diff trips fail-on', async () => {
    const { api, polls } = datafold();

    const followed = await followRun(
      api,
      http,
      { ...options, failOn: ['different'], failFast: true },
      () => {}
    );

    expect(followed.runStatus).toBeUndefined();
    expect(polls()).toBe(3); // the third diff finished at the third poll
    expect(followed.results).toMatchObject({ ended: false, readable: true });
    const results = followed.results;
    expect(results.readable && results.rows.map((row) => row.report.result)).toEqual([
      'identical',
      'identical',
      'different',
      null,
      null,
      null
    ]);
    // The finished diffs' summaries, and no more.
    expect(summaryResults.mock.calls.map(([id]) => id).sort()).toEqual([100, 101, 102]);
  });

  it('without fail-fast, a tripped diff does not stop the following', async () => {
    const { api, polls } = datafold();
    await followRun(api, http, { ...options, failOn: ['different'] }, () => {});
    expect(polls()).toBe(TABLES + 1);
  });

  it('when the runs request fails, fails once the listing of that poll has answered', async () => {
    const { api, latestRun } = datafold();
    latestRun.mockRejectedValueOnce(new ActionError('Datafold is down'));
    const known: RunResults[] = [];

    await expect(followRun(api, http, options, (results) => known.push(results))).rejects.toThrow(
      'Datafold is down'
    );
    expect(page).toHaveBeenCalledTimes(1);
    expect(known).toHaveLength(1);
  });
});
