/**
 * The contract tests: the action's requests and the Datafold stand-in's answers, end to end,
 * against Datafold's own OpenAPI files with Prism's validators (see contract.ts). Every endpoint
 * the action calls is covered, each answer variant the stand-in gives, and the checker itself is
 * shown to catch what it must (a pair of counts with a string in it, a run's pr_num as a number).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startDatafold } from '../../stand-ins/datafold.mjs';
import type { RecordedRequest } from '../../stand-ins/server.mjs';
import { datafoldContract, expectContract, OPENAPI_FILES, type Verdict } from './contract.js';
import {
  expectFailure,
  expectSuccess,
  outputs,
  sent,
  SUBMIT,
  TRIGGER,
  visibleLines
} from './run-checks.js';
import { PR, scenario } from './scenario.js';

/** Every verdict of the scenarios below, to show each endpoint was covered. */
const checked: Verdict[] = [];

const OPERATIONS = {
  submit: 'upload_changes_api_v1_ci__ci_config_id___pr_num__post',
  trigger: 'trigger_ci_api_v1_ci__ci_config_id__trigger_post',
  runs: 'get_ci_api_v1_ci__ci_config_id__runs_get',
  dataDiffs: 'list_datadiffs_api_v1_datadiffs_get',
  summary: 'get_diff_summary_v1_api_v1_datadiffs__datadiff_id__summary_results_get'
};

const forHead = (prNum = 2) => ({ pr_num: prNum, pr_sha: PR.head.sha });

/** A diffs file of `n` entries. */
const diffsFile = (n: number) =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => ({
      prod: `ANALYTICS.PROD.T${i}`,
      pr: `ANALYTICS.PR_2.T${i}`,
      pk: i % 2 === 0 ? ['ID'] : null
    }))
  );

describe("Datafold's OpenAPI files", () => {
  it("are the vendor's, unchanged: each matches the digest in their README", async () => {
    const readme = await readFile(new URL('README.md', OPENAPI_FILES[0]), 'utf8');
    for (const file of OPENAPI_FILES) {
      const name = file.pathname.split('/').at(-1);
      const digest = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      expect(readme).toContain(`| \`${name}\``);
      expect(readme).toMatch(new RegExp(`\\| \`${name}\`\\s*\\| \`${digest}\` \\|`));
    }
  });
});

describe('every exchange of a run keeps the contract', () => {
  it.concurrent('a submit', async () => {
    const { result, datafold } = await scenario({});

    expectSuccess(result);
    checked.push(...(await expectContract(datafold)));
  });

  it.concurrent('a trigger, then the one more submit', async () => {
    const { result, datafold } = await scenario({
      inputs: { 'on-missing-run': 'trigger' },
      datafold: { waitingPrs: [] }
    });

    expectSuccess(result);
    const verdicts = await expectContract(datafold);
    expect(verdicts.map(({ operation }) => operation)).toEqual([
      OPERATIONS.submit,
      OPERATIONS.trigger,
      OPERATIONS.submit
    ]);
    checked.push(...verdicts);
  });

  it.concurrent(
    'waiting, then results of every kind (done, failed and running summaries)',
    async () => {
      const { result, datafold } = await scenario({
        inputs: { wait: 'true' },
        files: { 'diffs.json': diffsFile(7) },
        datafold: {
          waitingPrs: [forHead()],
          statusSequence: ['running', 'done'],
          diffOutcomes: [
            { result: 'identical' },
            { result: 'different' },
            { result: 'bad-pks' },
            { result: 'missing-pks' },
            { result: 'empty' },
            { result: 'error' },
            { result: null }
          ]
        }
      });

      expectSuccess(result);
      expect(result.outputs['result-counts']).toBe(
        '{"error":1,"bad-pks":1,"missing-pks":1,"different":1,"none":1,"empty":1,"identical":1}'
      );
      const verdicts = await expectContract(datafold);
      expect(verdicts.filter(({ operation }) => operation === OPERATIONS.summary)).toHaveLength(7);
      checked.push(...verdicts);
    }
  );

  it.concurrent('a server that ignores the run filter, over two pages', async () => {
    const { result, datafold } = await scenario({
      inputs: { wait: 'true' },
      datafold: {
        waitingPrs: [forHead()],
        ignoreRunFilter: true,
        otherDiffs: Array.from({ length: 150 }, () => ({ ci_run_id: 999 }))
      }
    });

    expectSuccess(result);
    expect(result.outputs['result-counts']).toBe('{"identical":2}');
    const verdicts = await expectContract(datafold);
    expect(verdicts.filter(({ operation }) => operation === OPERATIONS.dataDiffs)).toHaveLength(2);
    checked.push(...verdicts);
  });

  it.concurrent('a host with a path prefix', async () => {
    const { result, datafold } = await scenario({
      inputs: ({ datafold }) => ({ host: `${datafold.url}/prefix` }),
      faults: {
        datafold: [
          {
            match: (request) => request.path.startsWith('/prefix/'),
            fault: { json: { ci_run_id: 1001, run_id: 5001 } }
          }
        ]
      }
    });

    expectSuccess(result);
    expect(result.outputs).toEqual(outputs());
    // A scripted answer is not the stand-in's own: only the request is held to the contract.
    const [verdict] = await expectContract(datafold, { basePath: '/prefix' });
    expect(verdict).toMatchObject({ operation: OPERATIONS.submit, answerChecked: false });
  });

  afterAll(() => {
    const answered = new Set(
      checked.filter(({ answerChecked }) => answerChecked).map(({ operation }) => operation)
    );
    // Every endpoint the action calls had a request and an answer checked.
    expect([...answered].sort()).toEqual(Object.values(OPERATIONS).sort());
  });
});

describe('an answer the OpenAPI allows: a trigger answered {"ci_run_id": null}', () => {
  it.concurrent(
    'trigger answered {"ci_run_id": null} (valid per the OpenAPI): the one more submit, and success',
    async () => {
      const { result, datafold } = await scenario({
        inputs: { 'on-missing-run': 'trigger' },
        datafold: { waitingPrs: [] },
        // Datafold starts the run but its answer does not name it.
        faults: {
          datafold: [
            { match: 'trigger', fault: { json: { ci_run_id: null }, afterProcessing: true } }
          ]
        }
      });

      expectSuccess(result);
      expect(result.outputs).toEqual(outputs());
      expect(sent(datafold)).toEqual([SUBMIT, TRIGGER, SUBMIT]);
      expect(visibleLines(result)).toContain(
        'Datafold took the trigger for pull request #2 without naming a CI run ("ci_run_id": null); submitting again.'
      );
      await expectContract(datafold);
    }
  );

  it.concurrent(
    'trigger answered {"ci_run_id": null} and no run takes the diffs: a failure naming both answers',
    async () => {
      const { result, datafold } = await scenario({
        inputs: { 'on-missing-run': 'trigger' },
        datafold: { waitingPrs: [] },
        faults: { datafold: [{ match: 'trigger', fault: { json: { ci_run_id: null } } }] }
      });

      expectFailure(result, [
        'Datafold took the trigger for pull request #2 without naming a CI run ("ci_run_id": null) but still reports no run waiting for its diffs (the second submit\'s answer has "run_id": null)'
      ]);
      expect(result.outputs).toEqual(
        outputs({ submitted: 'false', 'ci-run-id': '', 'run-id': '' })
      );
      expect(sent(datafold)).toEqual([SUBMIT, TRIGGER, SUBMIT]);
    }
  );
});

describe("the stand-in's own errors", () => {
  it("answers a request it finds invalid with FastAPI's 422, as the OpenAPI documents it", async () => {
    const datafold = await startDatafold();
    try {
      const headers = { authorization: 'Key test-api-key', 'content-type': 'application/json' };
      await fetch(`${datafold.url}/api/v1/ci/123/trigger`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ pr_number: 2, pr_branch: 'x', base_branch: 'main', base_sha: 'b' })
      });
      await fetch(`${datafold.url}/api/v1/datadiffs?page=first`, { headers });
      await fetch(`${datafold.url}/api/v1/ci/123/runs`, { headers: {} });

      const [trigger, page, unauthorized] = (await datafoldContract()).check(datafold.requests);
      expect(trigger).toMatchObject({ answerChecked: true });
      expect(trigger.problems).toEqual([
        expect.stringContaining("request: Request body must have required property 'pr_sha'")
      ]);
      expect(page).toMatchObject({ answerChecked: true });
      expect(page.problems).toEqual([
        expect.stringContaining('request: Request query parameter page must be integer')
      ]);
      // 401 is not among the statuses the OpenAPI documents: the answer is not held to it.
      expect(unauthorized.answerChecked).toBe(false);
      expect(unauthorized.problems).toEqual([
        expect.stringContaining('request: Invalid security scheme used')
      ]);
    } finally {
      await datafold.close();
    }
  });
});

describe('the checker catches what breaks the contract', () => {
  const exchange = (
    method: string,
    path: string,
    answer: unknown,
    body?: unknown
  ): RecordedRequest => ({
    method,
    path,
    headers: {
      authorization: 'Key k',
      ...(body === undefined
        ? {}
        : {
            'content-type': 'application/json',
            'content-length': String(JSON.stringify(body).length)
          })
    },
    body: body === undefined ? '' : JSON.stringify(body),
    json: body,
    kind: 'test',
    at: 0,
    reply: { status: 200, json: answer }
  });
  const PAIR = [1, 1];
  const PKS = { total_rows: PAIR, nulls: PAIR, dupes: PAIR, exclusives: PAIR, distincts: PAIR };

  it.each([
    {
      name: 'a pair of counts with a string in it (JSON Schema 2020-12 prefixItems)',
      exchange: exchange('GET', '/api/v1/datadiffs/1/summary_results', {
        status: 'done',
        pks: { ...PKS, total_rows: ['x', 1] }
      }),
      problem: 'pks.total_rows.0 must be integer'
    },
    {
      name: "a run listed with pr_num as a number (ApiCiRun's pr_num is a string)",
      exchange: exchange('GET', '/api/v1/ci/1/runs?pr_sha=a&limit=1', [
        {
          id: 1,
          base_branch: 'main',
          base_sha: 'b',
          pr_branch: 'x',
          pr_sha: 'a',
          pr_num: 2,
          status: 'done',
          source: 'api'
        }
      ]),
      problem: 'Response body property 0.pr_num must be string'
    },
    {
      name: 'a data diff with a status that is not a JobStatus',
      exchange: exchange('GET', '/api/v1/datadiffs?page_size=100', {
        page: 1,
        page_size: 100,
        count: 1,
        total_pages: 1,
        results: [
          {
            id: 1,
            kind: 'in_db',
            data_source1_id: 1,
            data_source2_id: 1,
            pk_columns: ['ID'],
            status: 'running'
          }
        ]
      }),
      problem: 'results.0.status must be equal to one of the allowed values'
    },
    {
      name: 'a submit whose primary key names a column twice',
      exchange: exchange('POST', '/api/v1/ci/1/2', { ci_run_id: 1, run_id: 2 }, [
        { prod: 'A', pr: 'B', pk: ['ID', 'ID'] }
      ]),
      problem: 'request: Request body property 0.pk must NOT have duplicate items'
    }
  ])('$name', async ({ exchange, problem }) => {
    const [verdict] = (await datafoldContract()).check([exchange]);

    expect(verdict.problems).toEqual(expect.arrayContaining([expect.stringContaining(problem)]));
  });

  it('and lets pass what the OpenAPI allows: a trigger answered {"ci_run_id": null}', async () => {
    const trigger = exchange(
      'POST',
      '/api/v1/ci/1/trigger',
      { ci_run_id: null },
      { pr_number: 2, pr_branch: 'x', base_branch: 'main', pr_sha: 'a', base_sha: 'b' }
    );

    expect((await datafoldContract()).check([trigger])).toEqual([
      {
        request: 'POST /api/v1/ci/1/trigger',
        operation: OPERATIONS.trigger,
        answerChecked: true,
        problems: []
      }
    ]);
  });
});
