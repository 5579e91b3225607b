import {
  PAGE_SIZE,
  type DataDiff,
  type DataDiffPage,
  type DiffResultName,
  type SummaryResults
} from '../datafold/data-diffs.js';
import type { FailOn } from '../inputs/inputs.js';
import { cutList } from '../runtime/lists.js';

/** One data diff of the run, as the `results` output carries it. */
interface DiffReport {
  prod: string;
  pr: string;
  diff_id: number | null;
  status: string | null;
  result: DiffResultName | null;
  url: string | null;
  rows_total?: number;
  rows_different?: number;
  columns_different?: number;
  pk_nulls?: number;
  pk_duplicates?: number;
  schema_changes?: number;
}

/** A diff as the job summary shows it: its report and what only a reader needs. */
export interface DiffRow {
  report: DiffReport;
  /** Whether the diff had finished when it was last listed. */
  finished: boolean;
  /** Primary-key problems per table, [prod, pr]. */
  pkNulls?: [number, number];
  pkDuplicates?: [number, number];
  /** Rows whose primary key is only in one table, [prod, pr]. */
  exclusives?: [number, number];
  /** Columns only in one table or with another type: `+name`, `−name`, `name (type)`. */
  schemaChanges?: string[];
  /** Why the diff failed, in Datafold's words. */
  error?: string;
  /** Why its figures are missing, when its summary could not be read. */
  unreadable?: string;
}

/**
 * What is known of a run's data diffs: every diff listed, with the summary of each that has
 * finished; `ended` once the run has ended, else what was known when the step stopped.
 */
export type RunResults = { ciRunId: number | null; host: string; ended: boolean } & (
  { readable: true; rows: DiffRow[]; incomplete: boolean } | { readable: false; reason: string }
);

/** Pages read at most: beyond, the summary says the results may be incomplete. */
export const MAX_PAGES = 20;

/**
 * The run's own items of one page, and whether to read the next: not after the last page,
 * nor after a page whose items all belong to older runs (the order is newest run first, so a
 * server that ignores the filter has nothing more of this run to give).
 */
export function runItems(
  page: DataDiffPage,
  ciRunId: number
): { items: DataDiff[]; more: boolean } {
  const items = page.results.filter((item) => item.ci_run_id === ciRunId);
  const olderOnly = page.results.every(
    (item) => typeof item.ci_run_id === 'number' && item.ci_run_id < ciRunId
  );
  return { items, more: page.results.length > 0 && !olderOnly && page.page < page.total_pages };
}

/** The JobStatus values of a diff that has finished, whatever its result. */
const FINAL_STATUSES = new Set(['done', 'failed', 'cancelled']);

/** Whether a listed diff has finished: the list says `done`, or its status is final. */
export const isFinished = (item: DataDiff) =>
  item.done === true || FINAL_STATUSES.has(item.status ?? '');

const path = (table: string[] | null | undefined, query: string | null | undefined) =>
  table && table.length > 0 ? table.join('.') : (query ?? '');

const sum = ([a, b]: [number, number]) => a + b;

/** A diff's row from its list item and its summary (or why the summary could not be read). */
export function diffRow(
  item: DataDiff,
  summary: SummaryResults | { unreadable: string } | undefined,
  host: string
): DiffRow {
  const id = item.id ?? null;
  const failed = summary !== undefined && 'status' in summary && summary.status === 'failed';
  const report: DiffReport = {
    prod: path(item.table1, item.query1),
    pr: path(item.table2, item.query2),
    diff_id: id,
    status: item.status ?? null,
    // A diff that failed without a result has, for a reader and the gate, errored.
    result: item.result ?? (failed || item.status === 'failed' ? 'error' : null),
    url: id === null ? null : `${host}/datadiffs/${id}/overview`
  };
  const row: DiffRow = { report, finished: isFinished(item) };
  if (summary === undefined) return row;
  if ('unreadable' in summary) return { ...row, unreadable: summary.unreadable };
  if (summary.status === 'failed') {
    const { error_value, error_type } = summary.error;
    const text = [error_type, error_value].filter((part) => typeof part === 'string').join(': ');
    return { ...row, error: text || JSON.stringify(summary.error) };
  }
  if (summary.status !== 'done' && summary.status !== 'success') return row; // still running
  const { values, pks, schema } = summary;
  if (values) {
    report.rows_total = values.total_rows;
    report.rows_different = values.rows_with_differences;
    report.columns_different = values.columns_with_differences;
  }
  if (pks) {
    report.pk_nulls = sum(pks.nulls);
    report.pk_duplicates = sum(pks.dupes);
    row.pkNulls = pks.nulls;
    row.pkDuplicates = pks.dupes;
    row.exclusives = pks.exclusives;
  }
  if (schema) {
    const [onlyProd = [], onlyPr = []] = schema.exclusive_columns;
    row.schemaChanges = [
      ...onlyPr.map((name) => `+${name}`),
      ...onlyProd.map((name) => `−${name}`),
      ...schema.column_type_differs.map((name) => `${name} (type)`)
    ];
    report.schema_changes =
      onlyProd.length +
      onlyPr.length +
      Math.max(schema.column_type_mismatches, schema.column_type_differs.length);
  }
  return row;
}

/** Worst first: what needs a look leads the summary. */
const SEVERITY: Array<DiffResultName | null> = [
  'error',
  'bad-pks',
  'missing-pks',
  'different',
  null,
  'empty',
  'identical'
];
const rank = (row: DiffRow) => SEVERITY.indexOf(row.report.result);

/**
 * `result-counts`: the diffs counted by result, worst first; one without a result yet counts
 * as `none`.
 */
export function resultCounts(rows: DiffRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { report } of problemsFirst(rows)) {
    const key = report.result ?? 'none';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function problemsFirst(rows: DiffRow[]): DiffRow[] {
  // Array.prototype.sort is stable: Datafold's order holds within a result.
  return [...rows].sort((a, b) => rank(a) - rank(b));
}

/** How a diff is named in messages: its PR table, and the production table it was diffed with. */
const tableName = ({ report }: DiffRow) =>
  report.prod === report.pr || report.prod === '' ? report.pr : `${report.pr} (vs ${report.prod})`;

/** Figures and texts from Datafold, cut for one log line. */
const LOGGED_CHARS = 200;
const oneLine = (text: string, chars = LOGGED_CHARS) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > chars ? `${flat.slice(0, chars - 1)}…` : flat;
};
const count = (n: number) => n.toLocaleString('en-US');
const counted = (n: number, what: string) => `${count(n)} ${what}${n === 1 ? '' : 's'}`;

/** The figures that matter of a finished diff, for its log line. */
function loggedFigures(row: DiffRow): string[] {
  const { report, exclusives: [onlyProd, onlyPr] = [0, 0], schemaChanges = [] } = row;
  if (row.error !== undefined) return [oneLine(row.error)];
  if (row.unreadable !== undefined)
    return [`figures could not be read: ${oneLine(row.unreadable)}`];
  const figures: string[] = [];
  const { rows_total: total, rows_different: different } = report;
  if (total !== undefined && different !== undefined)
    figures.push(
      different > 0
        ? `${count(different)} of ${counted(total, 'row')} differ`
        : counted(total, 'row')
    );
  if (report.columns_different)
    figures.push(`${counted(report.columns_different, 'column')} differ`);
  if (onlyProd > 0) figures.push(`${counted(onlyProd, 'row')} only in prod`);
  if (onlyPr > 0) figures.push(`${counted(onlyPr, 'row')} only in PR`);
  if (report.pk_nulls) figures.push(`${counted(report.pk_nulls, 'null primary key')}`);
  if (report.pk_duplicates)
    figures.push(`${counted(report.pk_duplicates, 'duplicate primary key')}`);
  if (schemaChanges.length > 0) figures.push(`schema ${oneLine(schemaChanges.join(' '), 80)}`);
  return figures;
}

/**
 * A finished diff as the log shows it, once: its result, the tables, the figures that matter
 * and its link, e.g. `different: P.ORDERS → PR.ORDERS: 12 of 1,000 rows differ, … — <url>`.
 */
export function finishedLine(row: DiffRow): string {
  const { report } = row;
  const figures = loggedFigures(row);
  return `${report.result ?? report.status ?? 'finished'}: ${oneLine(report.prod)} → ${oneLine(report.pr)}${
    figures.length > 0 ? `: ${figures.join(', ')}` : ''
  }${report.url ? ` — ${report.url}` : ''}`;
}

/** How far the run is, e.g. `12 of 40 data diffs finished: 1 different, 11 identical`. */
export function progressLine(finished: DiffRow[], total: number, incomplete: boolean): string {
  const counts = Object.entries(resultCounts(finished)).map(([result, n]) => `${n} ${result}`);
  return `${count(finished.length)} of ${count(total)}${incomplete ? '+' : ''} data diffs finished${
    counts.length > 0 ? `: ${counts.join(', ')}` : ''
  }`;
}

/** The rows whose result `fail-on` lists. */
export function tripped(rows: DiffRow[], failOn: FailOn[]): DiffRow[] {
  return rows.filter(
    ({ report }) => report.result !== null && (failOn as string[]).includes(report.result)
  );
}

export const runName = (ciRunId: number | null) =>
  ciRunId === null ? 'the Datafold CI run' : `Datafold CI run ${ciRunId}`;

/**
 * The `fail-on` gate once the run has ended: undefined when it passes, else why the step
 * fails, naming the tables that tripped it. Results that could not be read, or only in part
 * without a trip, leave the gate unchecked, which fails too: the user asked for a check.
 */
export function gateFailure(results: RunResults, failOn: FailOn[]): string | undefined {
  if (failOn.length === 0) return undefined;
  const listed = `"fail-on: ${failOn.join(', ')}"`;
  const run = runName(results.ciRunId);
  if (!results.readable)
    return `The results of ${run} could not be read, so ${listed} could not be checked: ${results.reason}`;
  const hits = tripped(results.rows, failOn);
  if (hits.length === 0) {
    return results.incomplete
      ? `${run} has more data diffs than the ${MAX_PAGES * PAGE_SIZE} read, so ${listed} could not be checked on all of them.`
      : undefined;
  }
  const names = cutList(
    hits.map((row) => `${tableName(row)}: ${row.report.result}`),
    { separator: '; ' }
  );
  const tally = results.ended
    ? `${hits.length} of ${results.rows.length} data diffs of ${run}`
    : `${hits.length} of the ${results.rows.filter((row) => row.finished).length} data diffs finished so far in ${run}`;
  const goesOn = results.ended
    ? ''
    : ' The run goes on in Datafold; "fail-fast" stopped waiting for it.';
  return `${tally} tripped ${listed}: ${names}.${goesOn}`;
}
