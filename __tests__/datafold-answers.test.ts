// Datafold's answers read as its OpenAPI documents them (types and nullability of each field the
// action reads), and an answer that breaks it described in plain words: the request, the field,
// what the API documents for it and what came instead; never a validator's "Invalid input".
import { describe, expect, it } from '@jest/globals';
import { DatafoldApi } from '../src/datafold/api.js';
import { DataDiffsApi } from '../src/datafold/data-diffs.js';
import type { DatafoldHttp } from '../src/datafold/http.js';
import { ActionError } from '../src/runtime/errors.js';

/** A Datafold at `host` that answers every request with `json`; it keeps each request's options. */
function datafoldAnswering(json: unknown, host = 'https://app.datafold.com') {
  const asked: Array<{ path: string; notFound: string }> = [];
  const http = {
    host,
    request: async (options: { path: string; notFound: string }) => {
      asked.push(options);
      return { status: 200, json };
    }
  } as unknown as DatafoldHttp;
  return { http, asked };
}

/** The message of the error `work` rejects with, which must be an ActionError. */
async function failure(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (error: unknown) => error
  );
  expect(error).toBeInstanceOf(ActionError);
  return (error as Error).message;
}

const noWait = async () => undefined;
const summary = (json: unknown) =>
  new DataDiffsApi(datafoldAnswering(json).http).summaryResults(70001);
const PKS = {
  total_rows: [1000, 1000],
  nulls: [0, 0],
  dupes: [0, 0],
  exclusives: [0, 0],
  distincts: [1000, 1000]
};

describe('answers that break the OpenAPI, in plain words', () => {
  it.each([
    {
      name: 'a summary whose pks.total_rows is a string',
      answer: { status: 'done', pks: { ...PKS, total_rows: 'x' } },
      says: 'pks.total_rows should be a list of two whole numbers, found "x"'
    },
    {
      name: 'a summary whose pair of counts holds a string',
      answer: { status: 'done', pks: { ...PKS, nulls: ['2', 0] } },
      says: 'pks.nulls should be a list of two whole numbers, found ["2",0]'
    },
    {
      name: 'a summary with a status Datafold does not document',
      answer: { status: 'finished' },
      says: 'status should be one of done, success, failed, running, pending, found "finished"'
    },
    {
      name: 'a summary whose values lack a count',
      answer: { status: 'done', values: { total_rows: 5, rows_with_differences: 0 } },
      says: 'values.columns_with_differences is missing (it should be a whole number)'
    },
    {
      name: 'a failed summary with its error as text',
      answer: { status: 'failed', error: 'boom' },
      says: 'error should be an object, found "boom"'
    },
    {
      name: 'a list where the summary belongs',
      answer: [],
      says: 'the answer should be an object, found []'
    }
  ])('$name', async ({ answer, says }) => {
    const message = await failure(summary(answer));

    expect(message).toContain(
      "Datafold's results of data diff 70001 is not what the Datafold API returns (GET /api/v1/datadiffs/70001/summary_results): "
    );
    expect(message).toContain(says);
    expect(message).toContain(`It was: ${JSON.stringify(answer)}`);
    expect(message).not.toMatch(/invalid input|expected|received/i);
  });

  it('names a data diff in the list by its place, with the statuses Datafold documents', async () => {
    const page = { page: 1, page_size: 100, count: 3, total_pages: 1 };
    const item = { id: 7, ci_run_id: 1001, status: 'done' };
    const { http } = datafoldAnswering({
      ...page,
      results: [item, item, { ...item, status: 'running', ci_run_id: '1001' }]
    });

    const message = await failure(new DataDiffsApi(http).page(1001, 1));

    expect(message).toContain(
      'results[2].ci_run_id should be a whole number or null, found "1001"; results[2].status should be one of needs_confirmation, needs_authentication, waiting, queued, processing, done, failed, cancelled or null, found "running"'
    );
    expect(message).toContain('(GET /api/v1/datadiffs?ci_run_id=1001&');
  });

  it('names at most three wrong fields, and counts the rest', async () => {
    const message = await failure(summary({ status: 'done', pks: {} }));

    expect(message).toContain(
      'pks.total_rows is missing (it should be a list of two whole numbers); pks.nulls is missing'
    );
    expect(message).toContain('; and 1 more.');
  });

  it('names the run in the list of CI runs by its place', async () => {
    const { http } = datafoldAnswering([{ id: '1001', status: 'done' }]);

    const message = await failure(new DatafoldApi(http, 123).latestRun('abc'));

    expect(message).toMatch(
      /^Datafold's list of CI runs is not what the Datafold API returns \(GET \/api\/v1\/ci\/123\/runs\?pr_sha=abc&limit=1\): \[0\]\.id should be a whole number, found "1001"\./
    );
  });
});

describe("answers the OpenAPI allows, read as it documents them (SubmitCiJob's ids may be null or left out)", () => {
  const TRIGGER = {
    pr_number: 2,
    base_branch: 'main',
    base_sha: 'b'.repeat(40),
    pr_sha: 'a'.repeat(40),
    pr_branch: 'feature'
  };

  it.each([
    { answer: { ci_run_id: null }, ciRunId: null },
    { answer: {}, ciRunId: null },
    { answer: { ci_run_id: 1001, run_id: null }, ciRunId: 1001 }
  ])('a trigger answered $answer: run $ciRunId', async ({ answer, ciRunId }) => {
    const api = new DatafoldApi(datafoldAnswering(answer).http, 123);

    await expect(api.trigger(TRIGGER, noWait)).resolves.toBe(ciRunId);
  });

  it.each([
    { answer: { run_id: 5001 }, submission: { ciRunId: null, runId: 5001 } },
    { answer: { ci_run_id: null, run_id: null }, submission: { ciRunId: null, runId: null } }
  ])('a submit answered $answer', async ({ answer, submission }) => {
    const api = new DatafoldApi(datafoldAnswering(answer).http, 123);

    await expect(api.submit(2, [], noWait)).resolves.toEqual(submission);
  });

  it('a submit answered without run_id is no verdict, not "no CI run waiting"', async () => {
    const api = new DatafoldApi(datafoldAnswering({ ci_run_id: 1001 }).http, 123);

    expect(await failure(api.submit(2, [], noWait))).toContain(
      '(POST /api/v1/ci/123/2): run_id is missing (it should be a whole number or null). It was: {"ci_run_id":1001}'
    );
  });

  it('a trigger answered with a run id that is not a whole number is named', async () => {
    const api = new DatafoldApi(datafoldAnswering({ ci_run_id: 10.5 }).http, 123);

    expect(await failure(api.trigger(TRIGGER, noWait))).toContain(
      "Datafold's answer to the CI run trigger is not what the Datafold API returns (POST /api/v1/ci/123/trigger): ci_run_id should be a whole number or null, found 10.5"
    );
  });
});

describe('what a 404 from the CI endpoints means', () => {
  it.each(['https://us.datafold.com', 'https://eub.datafold.com/'])(
    "on %s, Datafold's current app: CI is in Datafold Classic only",
    async (host) => {
      const { http, asked } = datafoldAnswering([], host.replace(/\/$/, ''));

      await new DatafoldApi(http, 123).latestRun('abc');

      const hostname = new URL(host).hostname;
      expect(asked[0].notFound).toBe(
        `${hostname} is Datafold's current app, and Datafold's documentation offers the CI API only in Datafold Classic (app.datafold.com, eu.datafold.com, and Classic dedicated deployments). Set "host" to the Datafold Classic address that holds CI config 123.`
      );
    }
  );

  it.each(['https://app.datafold.com', 'https://datafold.example.com/prefix'])(
    'on %s: no such CI config',
    async (host) => {
      const { http, asked } = datafoldAnswering([], host);

      await new DatafoldApi(http, 123).submit(2, [], noWait).catch(() => undefined);

      expect(asked[0].notFound).toContain(`there is no CI config 123 on ${host}.`);
    }
  );
});
