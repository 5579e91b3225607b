/**
 * Results, end to end: with `wait: true`, once the CI run has ended the bundle reads its data
 * diffs (every page, only the run's own items) and each diff's summary from the Datafold
 * stand-in, sets `results` and `result-counts`, shows them in the job summary, and gates on
 * `fail-on`; results that cannot be read never fail a run by themselves.
 */
import { describe, expect, it } from '@jest/globals';
import type { Datafold, DatafoldOptions } from '../../stand-ins/datafold.mjs';
import {
  dataDiffsOf,
  errors,
  expectFailure,
  expectSuccess,
  outputs,
  pollOf,
  sentInOrder,
  SUBMIT,
  summaryOf,
  times,
  warnings,
  type Sent
} from './run-checks.js';
import { API_KEY, PR, scenario, type ScenarioOptions } from './scenario.js';

/** Datafold knows PR #2's head commit, so `wait` finds the run (1001) and follows it. */
const waitingForHead = { waitingPrs: [{ pr_num: 2, pr_sha: PR.head.sha }] };

const TABLES = ['ORDERS', 'CUSTOMERS', 'PAYMENTS', 'SESSIONS', 'REFUNDS'];
const diffsFile = (names: string[]) =>
  JSON.stringify(
    names.map((name) => ({
      prod: `ANALYTICS.PROD.${name}`,
      pr: `ANALYTICS.PR_2.${name}`,
      pk: ['ID']
    }))
  );
/** The `diffs` output of TABLES: as submitted, the default keys filled in. */
const TABLES_OUTPUT = JSON.stringify(
  JSON.parse(diffsFile(TABLES)).map((entry: object) => ({
    ...entry,
    include_columns: [],
    exclude_columns: []
  }))
);

/** A waiting run whose data diffs have `outcomes`, one per entry of TABLES. */
function waitFor(
  datafold: DatafoldOptions,
  inputs: Record<string, string> = {},
  more: Partial<ScenarioOptions> = {}
) {
  return scenario({
    inputs: { wait: 'true', ...inputs },
    datafold: { ...waitingForHead, ...datafold },
    files: { 'diffs.json': diffsFile(TABLES) },
    ...more
  });
}

/** The data diffs of the run, one per entry of TABLES. */
const IDS = [70001, 70002, 70003, 70004, 70005];

const MIXED: DatafoldOptions['diffOutcomes'] = [
  { result: 'different' },
  { result: 'identical' },
  { result: 'bad-pks' },
  { result: 'error' },
  { result: 'identical' }
];

/** Requests as `METHOD /path` lines, the summaries (read concurrently) in id order. */
const lines = (requests: Sent[]) => requests.map(({ method, path }) => `${method} ${path}`);
const received = (server: Datafold) => lines(sentInOrder(server));

const link = (host: string, id: number) => `${host}/datadiffs/${id}/overview`;
type Report = Record<string, unknown>;
const reports = (text: string) => JSON.parse(text) as Report[];
const table = (name: string) => ({
  prod: `ANALYTICS.PROD.${name}`,
  pr: `ANALYTICS.PR_2.${name}`
});

describe('results of an ended run', () => {
  it.concurrent(
    'outputs every diff with its figures and link, counts, and a summary with problems first',
    async () => {
      const run = await waitFor({ diffOutcomes: MIXED });
      const { result, datafold } = run;

      expectSuccess(result);
      expect(received(datafold)).toEqual(lines([SUBMIT, ...pollOf(), ...IDS.map(summaryOf)]));
      expect(JSON.parse(result.outputs['result-counts'])).toEqual({
        different: 1,
        identical: 2,
        'bad-pks': 1,
        error: 1
      });
      const byTable = Object.fromEntries(
        reports(result.outputs.results).map((report) => [report.pr, report])
      );
      expect(Object.keys(byTable)).toHaveLength(5);
      expect(byTable['ANALYTICS.PR_2.ORDERS']).toEqual({
        ...table('ORDERS'),
        diff_id: 70001,
        status: 'done',
        result: 'different',
        url: link(datafold.url, 70001),
        rows_total: 1000,
        rows_different: 12,
        columns_different: 2,
        pk_nulls: 0,
        pk_duplicates: 0,
        schema_changes: 2
      });
      expect(byTable['ANALYTICS.PR_2.PAYMENTS']).toMatchObject({
        result: 'bad-pks',
        pk_nulls: 2,
        pk_duplicates: 5
      });
      // A failed diff has no figures: exactly the keys that are always there.
      expect(byTable['ANALYTICS.PR_2.SESSIONS']).toEqual({
        ...table('SESSIONS'),
        diff_id: 70004,
        status: 'failed',
        result: 'error',
        url: link(datafold.url, 70004)
      });

      const { summary } = result;
      const order = ['Error', 'Bad PKs', 'Different', 'Identical'].map((label) =>
        summary.indexOf(`<strong>${label}</strong>`)
      );
      expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
      expect(summary).toContain(`<a href="${link(datafold.url, 70001)}">Open</a>`);
      expect(summary).toContain('<strong>12</strong> of 1,000 <sub>(1.20 %)</sub>');
      expect(summary).toContain('<code>+DISCOUNT</code><br><code>−LEGACY_ID</code>');
      expect(summary).toContain('SQL compilation error: Object &#39;ANALYTICS.PR_2.ORDERS&#39;');
      expect(summary).toContain('5 data diffs — ❌ 1 error · 🔴 1 bad-pks · 🟠 1 different');
    }
  );

  it.concurrent(
    'reads every page and keeps only the run’s own items, from a server that ignores the filter',
    async () => {
      const names = Array.from({ length: 130 }, (_, i) => `T${i}`);
      const { result, datafold } = await scenario({
        inputs: { wait: 'true' },
        datafold: {
          ...waitingForHead,
          ignoreRunFilter: true,
          // A newer run's diffs come first (newest run first), an older run's after this one's.
          otherDiffs: [
            ...Array.from({ length: 3 }, () => ({ ci_run_id: 2000, result: 'different' as const })),
            ...Array.from({ length: 250 }, () => ({ ci_run_id: 999, result: 'error' as const }))
          ],
          diffOutcomes: [{ result: 'different' }]
        },
        files: { 'diffs.json': diffsFile(names) }
      });

      expectSuccess(result);
      const lists = sentInOrder(datafold).filter(({ path }) => path.includes('/datadiffs?'));
      // Page 1: 3 of the newer run, 97 own; page 2: 33 own, 67 older; page 3 all older: stop
      // there, though Datafold counts 4 pages.
      expect(lists).toEqual([dataDiffsOf(1001), dataDiffsOf(1001, 2), dataDiffsOf(1001, 3)]);
      expect(JSON.parse(result.outputs['result-counts'])).toEqual({ different: 1, identical: 129 });
      const listed = reports(result.outputs.results);
      expect(listed.map(({ pr }) => pr).sort()).toEqual(
        names.map((n) => `ANALYTICS.PR_2.${n}`).sort()
      );
      expect(
        datafold.requests.filter(({ path }) => path.endsWith('/summary_results'))
      ).toHaveLength(130);
      // The summary is cut, problems first, and says where the rest is.
      expect(result.summary.match(/<tr>/g)).toHaveLength(31 + 26); // results, then diffs submitted
      expect(result.summary).toContain(
        '… and 100 more data diffs, all identical: every diff is in the <code>results</code> output.'
      );
    },
    40_000
  );

  it.concurrent(
    'stops after 20 pages and says the results may be incomplete; fail-on then fails',
    async () => {
      const { result, datafold } = await scenario({
        inputs: { wait: 'true', 'fail-on': 'different' },
        datafold: {
          ...waitingForHead,
          ignoreRunFilter: true,
          otherDiffs: Array.from({ length: 2050 }, () => ({ ci_run_id: 3000 }))
        }
      });

      expectFailure(result, [
        'Datafold CI run 1001 has more data diffs than the 2000 read',
        '"fail-on: different" could not be checked'
      ]);
      const lists = sentInOrder(datafold).filter(({ path }) => path.includes('/datadiffs?'));
      expect(lists).toEqual(Array.from({ length: 20 }, (_, i) => dataDiffsOf(1001, i + 1)));
      expect(result.outputs.results).toBe('[]');
      expect(result.summary).toContain('these results may be incomplete');
      expect(result.summary).toContain('could not be checked on every diff, so the step failed');
    },
    40_000
  );
});

describe('a run Datafold did not name', () => {
  it.concurrent(
    "reads the diffs of the head commit's run when the answer to the submission has ci_run_id null",
    async () => {
      // Datafold takes the diffs (run 1001 gets them) and answers as its OpenAPI allows.
      const { result, datafold } = await waitFor(
        { diffOutcomes: MIXED },
        { 'fail-on': 'bad-pks' },
        {
          faults: {
            datafold: [
              {
                match: 'submit',
                fault: { json: { ci_run_id: null, run_id: 5001 }, afterProcessing: true }
              }
            ]
          }
        }
      );

      expect(result.code).toBe(1);
      expect(result.outputs['ci-run-id']).toBe('');
      expect(JSON.parse(result.outputs['result-counts'])).toEqual({
        different: 1,
        identical: 2,
        'bad-pks': 1,
        error: 1
      });
      expect(errors(result)).toEqual([
        expect.stringContaining('tripped "fail-on: bad-pks": ANALYTICS.PR_2.PAYMENTS')
      ]);
      expect(received(datafold)).toContain(
        'GET /api/v1/datadiffs?ci_run_id=1001&order_by=ci_run_id&sort_order=desc&page_size=100'
      );
    }
  );
});

describe('fail-on', () => {
  it.concurrent.each([
    {
      failOn: 'different',
      code: 1,
      named: ['ANALYTICS.PR_2.ORDERS (vs ANALYTICS.PROD.ORDERS): different']
    },
    {
      failOn: 'bad-pks, error',
      code: 1,
      named: [
        'ANALYTICS.PR_2.SESSIONS (vs ANALYTICS.PROD.SESSIONS): error',
        'ANALYTICS.PR_2.PAYMENTS (vs ANALYTICS.PROD.PAYMENTS): bad-pks'
      ]
    },
    { failOn: 'missing-pks,empty', code: 0, named: [] }
  ])('$failOn: exit $code, naming the tables that tripped it', async ({ failOn, code, named }) => {
    const { result } = await waitFor({ diffOutcomes: MIXED }, { 'fail-on': failOn });

    if (code === 0) {
      expectSuccess(result);
      expect(result.summary).toContain(`: passed.</p>`);
    } else {
      expectFailure(result, [...named, `"fail-on: ${failOn}"`]);
      expect(errors(result)[0]).not.toContain('CUSTOMERS'); // identical
      expect(result.summary).toContain(`tripped by ${named.length} data diff`);
    }
    expect(result.outputs['run-status']).toBe('done');
    expect(result.outputs['result-counts']).not.toBe('');
  });

  it.concurrent('passes on a refactoring whose diffs are all identical', async () => {
    const { result } = await waitFor({}, { 'fail-on': 'different,bad-pks,missing-pks,error' });

    expectSuccess(result);
    expect(JSON.parse(result.outputs['result-counts'])).toEqual({ identical: 5 });
  });
});

describe('a failed run', () => {
  it.concurrent('still gets its results read and shown; the step fails for the run', async () => {
    const { result, datafold } = await waitFor({
      statusSequence: ['running', 'failed'],
      diffOutcomes: MIXED
    });

    expectFailure(result, ['Datafold CI run 1001 ended failed']);
    expect(result.outputs).toEqual(
      outputs({
        'diff-count': '5',
        diffs: TABLES_OUTPUT,
        'run-status': 'failed',
        results: expect.stringContaining('"result":"error"') as unknown as string,
        'result-counts': '{"error":1,"bad-pks":1,"different":1,"identical":2}'
      })
    );
    // Every diff had finished at the first poll: each summary read then, once.
    expect(received(datafold)).toEqual(
      lines([SUBMIT, ...pollOf(), ...IDS.map(summaryOf), ...pollOf()])
    );
    expect(result.summary).toContain('<strong>Error</strong>');
  });

  it.concurrent('diffs still running when it ended are read then, once each', async () => {
    const { result, datafold } = await waitFor({
      statusSequence: ['running', 'failed'],
      // The first two finished before the run failed; the others never do.
      diffOutcomes: MIXED.map((outcome, i) => (i < 2 ? outcome : { ...outcome, finishAfter: 99 }))
    });

    expectFailure(result, ['Datafold CI run 1001 ended failed']);
    expect(result.outputs['result-counts']).toBe('{"different":1,"none":3,"identical":1}');
    // The run ended with diffs still listed running: listed once more, then every summary left.
    expect(received(datafold)).toEqual(
      lines([
        SUBMIT,
        ...pollOf(),
        ...IDS.slice(0, 2).map(summaryOf),
        ...pollOf(),
        dataDiffsOf(1001),
        ...IDS.slice(2).map(summaryOf)
      ])
    );
    expect(result.summary).toContain('⏳ <strong>No result</strong>');
    expect(result.summary).toContain('Not finished (status <code>processing</code>)');
  });

  it.concurrent('with fail-on, the failure names the run and the tables', async () => {
    const { result } = await waitFor(
      { statusSequence: ['failed'], diffOutcomes: MIXED },
      { 'fail-on': 'bad-pks' }
    );

    expectFailure(result, [
      'Datafold CI run 1001 ended failed',
      'ANALYTICS.PR_2.PAYMENTS (vs ANALYTICS.PROD.PAYMENTS): bad-pks'
    ]);
  });
});

describe('results that cannot be read', () => {
  const listFault = (fault: object, count = 1) => ({
    datafold: [{ match: 'datadiffs', times: count, fault }]
  });

  it.concurrent.each([
    {
      name: 'a 403',
      fault: { status: 403 },
      tries: 1,
      reason: 'the user of the API key may not read the data diffs of this CI run'
    },
    { name: 'a 404', fault: { status: 404 }, tries: 1, reason: 'has no data diffs API' },
    {
      name: 'a 422',
      fault: {
        status: 422,
        json: { detail: [{ loc: ['query', 'ci_run_id'], msg: 'bad filter', type: 'value_error' }] }
      },
      tries: 1,
      reason: 'query → ci_run_id: bad filter'
    },
    {
      name: 'a page of the wrong shape',
      fault: { json: { results: 'none' } },
      tries: 1,
      reason: 'page is missing (it should be a whole number)'
    },
    { name: 'four 503s', fault: { status: 503 }, times: 4, tries: 4, reason: 'HTTP 503' },
    {
      // expectSuccess checks that the key shows nowhere, the summary included.
      name: 'a 400 that echoes the API key',
      fault: { status: 400, json: { detail: `Key ${API_KEY} may not list data diffs` } },
      tries: 1,
      reason: 'Key *** may not list data diffs'
    }
  ])(
    '$name: the run passes, the summary says why and links Datafold',
    async ({ fault, times: n = 1, tries, reason }) => {
      const { result, datafold } = await waitFor({}, {}, { faults: listFault(fault, n) });

      expectSuccess(result);
      expect(result.outputs).toEqual(
        outputs({ 'diff-count': '5', diffs: TABLES_OUTPUT, 'run-status': 'done' })
      );
      // The poll that saw the run ended could not list its diffs: no summary is read.
      expect(received(datafold)).toEqual(
        lines([SUBMIT, ...pollOf(), ...times(tries - 1, dataDiffsOf(1001))])
      );
      expect(warnings(result)).toEqual([
        expect.stringContaining('Could not read the results of Datafold CI run 1001')
      ]);
      expect(result.summary).toContain('The results of Datafold CI run 1001 could not be read');
      expect(result.summary).toContain(reason);
      expect(result.summary).toContain(`<a href="${datafold.url}">Datafold</a>`);
      expect(result.summary).toContain('does not depend on them');
    },
    30_000
  );

  it.concurrent('with fail-on, the step fails: the gate could not be checked', async () => {
    const { result } = await waitFor(
      {},
      { 'fail-on': 'different' },
      { faults: listFault({ status: 403 }) }
    );

    expectFailure(result, [
      'The results of Datafold CI run 1001 could not be read, so "fail-on: different" could not be checked',
      'the user of the API key may not read the data diffs of this CI run'
    ]);
    expect(result.outputs.results).toBe('');
  });

  it.concurrent('one unreadable summary keeps the other rows; a retried one is read', async () => {
    const { result, datafold } = await waitFor(
      { diffOutcomes: MIXED },
      { 'fail-on': 'different' },
      {
        faults: {
          datafold: [
            { match: (r) => r.path === summaryOf(70001).path, fault: { status: 503 } },
            {
              match: (r) => r.path === summaryOf(70003).path,
              fault: { json: { status: 'done', pks: 1 } }
            }
          ]
        }
      }
    );

    // The gate reads the results from the list, so it still sees the different diff.
    expectFailure(result, ['ANALYTICS.PR_2.ORDERS (vs ANALYTICS.PROD.ORDERS): different']);
    const byId = Object.fromEntries(reports(result.outputs.results).map((r) => [r.diff_id, r]));
    expect(byId[70001]).toMatchObject({ rows_different: 12 }); // the 503 was retried
    expect(byId[70003]).toEqual({
      ...table('PAYMENTS'),
      diff_id: 70003,
      status: 'done',
      result: 'bad-pks',
      url: link(datafold.url, 70003)
    });
    expect(datafold.requests.filter(({ path }) => path === summaryOf(70001).path)).toHaveLength(2);
    expect(result.summary).toContain('Figures could not be read');
    expect(result.summary).toContain('pks should be an object or null, found 1');
    expect(warnings(result)).toEqual([
      expect.stringContaining('Could not read the figures of 1 of 5 data diffs')
    ]);
  });
});

describe('escaping', () => {
  it.concurrent('every text from Datafold is escaped in the summary', async () => {
    const { result } = await scenario({
      inputs: { wait: 'true' },
      datafold: {
        ...waitingForHead,
        diffOutcomes: [
          {
            result: 'error',
            summary: {
              status: 'failed',
              error: { error_type: '<script>', error_value: 'a & "b" <img src=x onerror=alert(1)>' }
            }
          }
        ]
      },
      files: {
        'diffs.json': JSON.stringify([{ prod: 'P.<b>X</b>', pr: 'PR.<i>"Y"</i>', pk: ['ID'] }])
      }
    });

    expectSuccess(result);
    expect(result.summary).not.toMatch(/<(script|img|b|i)\b/);
    expect(result.summary).toContain('&#60;script&#62;: a &#38; &#34;b&#34; &#60;img src=x');
    expect(result.summary).toContain('<code>P.&#60;b&#62;X&#60;/b&#62;</code>');
  });
});
