import { describe, expect, it } from '@jest/globals';
import type { DataDiff, DataDiffPage, SummaryResults } from '../src/datafold/data-diffs.js';
import {
  diffRow,
  finishedLine,
  gateFailure,
  isFinished,
  problemsFirst,
  progressLine,
  resultCounts,
  runItems,
  type DiffRow,
  type RunResults
} from '../src/results/results.js';

const HOST = 'https://app.datafold.com';

const item = (id: number, overrides: Partial<DataDiff> = {}): DataDiff => ({
  id,
  ci_run_id: 7,
  status: 'done',
  result: 'identical',
  table1: ['DB', 'PROD', `T${id}`],
  table2: ['DB', 'PR', `T${id}`],
  ...overrides
});

const page = (results: DataDiff[], number = 1, totalPages = 3): DataDiffPage => ({
  page: number,
  page_size: 100,
  count: 250,
  total_pages: totalPages,
  results
});

/** Datafold's summary_results for a done diff (ApiDataDiffSummaryForDone). */
const done: SummaryResults = {
  status: 'done',
  pks: { total_rows: [100, 101], nulls: [0, 2], dupes: [1, 3], exclusives: [0, 1] },
  schema: {
    column_type_mismatches: 1,
    column_type_differs: ['AMOUNT'],
    exclusive_columns: [['OLD'], ['NEW', 'NEWER']]
  },
  values: { total_rows: 100, rows_with_differences: 4, columns_with_differences: 2 }
};

describe('runItems', () => {
  it('keeps only the run’s own items and reads on while the page may hold more', () => {
    const answer = runItems(page([item(1, { ci_run_id: 9 }), item(2), item(3)]), 7);
    expect(answer).toEqual({ items: [item(2), item(3)], more: true });
  });

  it.each([
    ['the last page', page([item(1)], 3, 3)],
    ['an empty page', page([])],
    ['a page of older runs only', page([item(1, { ci_run_id: 6 }), item(2, { ci_run_id: 1 })])]
  ])('stops at %s', (_, answer) => {
    expect(runItems(answer, 7).more).toBe(false);
  });

  it.each([
    ['newer runs', [item(1, { ci_run_id: 8 })]],
    ['diffs of no run', [item(1, { ci_run_id: null }), item(2, { ci_run_id: 3 })]]
  ])('reads on past a page of %s: the run’s may follow', (_, results) => {
    expect(runItems(page(results), 7)).toEqual({ items: [], more: true });
  });
});

describe('diffRow', () => {
  it('takes the tables, result and link from the list, the figures from the summary', () => {
    expect(diffRow(item(5, { result: 'different' }), done, HOST)).toEqual({
      report: {
        prod: 'DB.PROD.T5',
        pr: 'DB.PR.T5',
        diff_id: 5,
        status: 'done',
        result: 'different',
        url: `${HOST}/datadiffs/5/overview`,
        rows_total: 100,
        rows_different: 4,
        columns_different: 2,
        pk_nulls: 2,
        pk_duplicates: 4,
        schema_changes: 4
      },
      finished: true,
      pkNulls: [0, 2],
      pkDuplicates: [1, 3],
      exclusives: [0, 1],
      schemaChanges: ['+NEW', '+NEWER', '−OLD', 'AMOUNT (type)']
    });
  });

  it('leaves out what Datafold did not report (a cross-database summary without values)', () => {
    const { report } = diffRow(item(5), { status: 'success', pks: null, values: null }, HOST);
    expect(Object.keys(report)).toEqual(['prod', 'pr', 'diff_id', 'status', 'result', 'url']);
  });

  it('names a failed diff’s error, and counts it as an error when the list has no result', () => {
    const row = diffRow(
      item(6, { status: 'failed', result: null }),
      { status: 'failed', error: { error_type: 'QueryError', error_value: 'no such table' } },
      HOST
    );
    expect([row.report.result, row.error]).toEqual(['error', 'QueryError: no such table']);
  });

  it('keeps a diff whose summary could not be read, saying why', () => {
    const row = diffRow(item(6, { result: 'bad-pks' }), { unreadable: 'HTTP 500' }, HOST);
    expect([row.report.result, row.unreadable, row.report.pk_nulls]).toEqual([
      'bad-pks',
      'HTTP 500',
      undefined
    ]);
  });

  it('shows a query diff by its query, and a diff without an id without a link', () => {
    const { report } = diffRow(
      item(1, { id: null, table1: null, query1: 'select 1', result: null, status: 'processing' }),
      { status: 'running' },
      HOST
    );
    expect(report).toMatchObject({ prod: 'select 1', diff_id: null, url: null, result: null });
  });
});

const row = (id: number, result: DiffRow['report']['result']) =>
  diffRow(item(id, { result }), undefined, HOST);
const rows = [
  row(1, 'identical'),
  row(2, 'different'),
  row(3, null),
  row(4, 'error'),
  row(5, 'different'),
  row(6, 'bad-pks')
];

describe('problemsFirst and resultCounts', () => {
  it('orders worst first, keeping the order within a result', () => {
    expect(problemsFirst(rows).map(({ report }) => report.diff_id)).toEqual([4, 6, 2, 5, 3, 1]);
  });

  it('counts by result, worst first, a diff without a result as none', () => {
    expect(JSON.stringify(resultCounts(rows))).toBe(
      '{"error":1,"bad-pks":1,"different":2,"none":1,"identical":1}'
    );
  });
});

describe('gateFailure', () => {
  const results = (over: Partial<RunResults> = {}) =>
    ({
      ciRunId: 7,
      host: HOST,
      ended: true,
      readable: true,
      rows,
      incomplete: false,
      ...over
    }) as RunResults;

  it('passes without fail-on and when no result is listed', () => {
    expect(gateFailure(results(), [])).toBeUndefined();
    expect(gateFailure(results(), ['missing-pks', 'empty'])).toBeUndefined();
  });

  it('names every table that tripped it', () => {
    expect(gateFailure(results(), ['different', 'error'])).toBe(
      '3 of 6 data diffs of Datafold CI run 7 tripped "fail-on: different, error": ' +
        'DB.PR.T2 (vs DB.PROD.T2): different; DB.PR.T4 (vs DB.PROD.T4): error; DB.PR.T5 (vs DB.PROD.T5): different.'
    );
  });

  it('names ten tables at most, and counts the rest', () => {
    const many = Array.from({ length: 13 }, (_, i) => row(i, 'different'));
    expect(gateFailure(results({ rows: many }), ['different'])).toMatch(
      /: (DB\.PR\.T\d+ \(vs DB\.PROD\.T\d+\): different; ){9}DB\.PR\.T9 \(vs DB\.PROD\.T9\): different; and 3 more\.$/
    );
  });

  it('fails when it cannot be checked: results unread, or only in part', () => {
    expect(
      gateFailure({ ciRunId: 7, host: HOST, ended: true, readable: false, reason: 'HTTP 403.' }, [
        'error'
      ])
    ).toBe(
      'The results of Datafold CI run 7 could not be read, so "fail-on: error" could not be checked: HTTP 403.'
    );
    expect(gateFailure(results({ incomplete: true }), ['empty'])).toContain(
      'has more data diffs than the 2000 read, so "fail-on: empty" could not be checked on all of them'
    );
  });
});

describe('isFinished', () => {
  it.each([
    [{ done: true, status: 'processing' }, true],
    [{ done: false, status: 'done' }, true],
    [{ status: 'failed', result: null }, true],
    [{ status: 'cancelled', result: null }, true],
    [{ done: false, status: 'processing', result: null }, false],
    [{ done: null, status: 'queued', result: null }, false],
    [{ done: undefined, status: null, result: null }, false]
  ] as Array<[Partial<DataDiff>, boolean]>)('%j: %s', (overrides, finished) => {
    expect(isFinished(item(1, overrides))).toBe(finished);
  });
});

describe('the log lines', () => {
  it('names a finished diff by its result, tables, the figures that matter and its link', () => {
    expect(finishedLine(diffRow(item(5, { result: 'different' }), done, HOST))).toBe(
      'different: DB.PROD.T5 → DB.PR.T5: 4 of 100 rows differ, 2 columns differ, 1 row only in PR, ' +
        `2 null primary keys, 4 duplicate primary keys, schema +NEW +NEWER −OLD AMOUNT (type) — ${HOST}/datadiffs/5/overview`
    );
    const identical = { ...done, pks: null, schema: undefined };
    const values = { total_rows: 1000, rows_with_differences: 0, columns_with_differences: 0 };
    expect(finishedLine(diffRow(item(6), { ...identical, values }, HOST))).toBe(
      `identical: DB.PROD.T6 → DB.PR.T6: 1,000 rows — ${HOST}/datadiffs/6/overview`
    );
  });

  it('gives a failed diff’s error, or why its figures are missing, on one line', () => {
    const failed = diffRow(
      item(7, { status: 'failed', result: null }),
      { status: 'failed', error: { error_type: 'QueryError', error_value: 'no such\ntable' } },
      HOST
    );
    expect(finishedLine(failed)).toBe(
      `error: DB.PROD.T7 → DB.PR.T7: QueryError: no such table — ${HOST}/datadiffs/7/overview`
    );
    const unread = diffRow(item(8), { unreadable: 'HTTP 503' }, HOST);
    expect(finishedLine(unread)).toContain(': figures could not be read: HTTP 503 — ');
    expect(finishedLine(diffRow(item(9, { id: null }), undefined, HOST))).toBe(
      'identical: DB.PROD.T9 → DB.PR.T9'
    );
  });

  it('counts the finished diffs by result, worst first', () => {
    const finished = [row(1, 'identical'), row(2, 'different'), row(3, 'identical')];
    expect(progressLine(finished, 40, false)).toBe(
      '3 of 40 data diffs finished: 1 different, 2 identical'
    );
    expect(progressLine([], 2500, true)).toBe('0 of 2,500+ data diffs finished');
  });
});

describe('gateFailure with fail-fast, while the run goes on', () => {
  it('counts the diffs finished so far and says the run goes on', () => {
    const known = [
      row(1, 'identical'),
      row(2, 'different'),
      diffRow(item(3, { result: null, status: 'processing', done: false }), undefined, HOST)
    ];
    const results: RunResults = {
      ciRunId: 7,
      host: HOST,
      ended: false,
      readable: true,
      rows: known,
      incomplete: false
    };
    expect(gateFailure(results, ['different'])).toBe(
      '1 of the 2 data diffs finished so far in Datafold CI run 7 tripped "fail-on: different": ' +
        'DB.PR.T2 (vs DB.PROD.T2): different. The run goes on in Datafold; "fail-fast" stopped waiting for it.'
    );
  });
});
