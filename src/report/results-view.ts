/**
 * The run's data diffs as the user sees them: the `results` and `result-counts` outputs, and the
 * results section of the job summary, once the run has ended or as known when the step stopped.
 */
import { escape } from './html.js';
import type { Outcome } from './outcome.js';
import {
  MAX_PAGES,
  problemsFirst,
  resultCounts,
  runName,
  tripped,
  type DiffRow,
  type RunResults
} from '../results/results.js';

export function resultOutputs(rows: DiffRow[]): { results: string; 'result-counts': string } {
  return {
    results: JSON.stringify(rows.map((row) => row.report)),
    'result-counts': JSON.stringify(resultCounts(rows))
  };
}

const RESULT_ROWS = 30;
/** Longest text from Datafold shown in a cell; the whole of it is in Datafold. */
const CELL_CHARS = 160;
const SCHEMA_CHANGES_SHOWN = 4;

/** Each result's cue and words, worst first. */
const LOOK: Record<string, [cue: string, label: string]> = {
  error: ['❌', 'Error'],
  'bad-pks': ['🔴', 'Bad PKs'],
  'missing-pks': ['🔴', 'Missing PKs'],
  different: ['🟠', 'Different'],
  none: ['⏳', 'No result'],
  empty: ['⚪', 'Empty'],
  identical: ['✅', 'Identical']
};

const cut = (text: string, chars = CELL_CHARS) =>
  escape(text.length > chars ? `${text.slice(0, chars - 1)}…` : text);
const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** A share of rows, both counts above zero. */
function share(part: number, whole: number): string {
  const percent = (part / whole) * 100;
  if (percent < 0.01) return '&lt;0.01 %';
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(2)} %`;
}

/** A count that is a problem when above zero: then in bold. */
const flagged = (n: number | undefined) =>
  n === undefined ? '–' : n > 0 ? `<strong>${count(n)}</strong>` : '0';

/** Rows with differences of the total, and the rows only one table has. */
function rowsCell({ report, exclusives: [onlyProd, onlyPr] = [0, 0] }: DiffRow): string {
  const { rows_total: total, rows_different: different } = report;
  const figure =
    total === undefined || different === undefined
      ? '–'
      : `${flagged(different)} of ${count(total)}${different > 0 && total > 0 ? ` <sub>(${share(different, total)})</sub>` : ''}`;
  const only = [
    onlyProd > 0 ? `${count(onlyProd)} only in prod` : '',
    onlyPr > 0 ? `${count(onlyPr)} only in PR` : ''
  ].filter(Boolean);
  return only.length > 0 ? `${figure}<br><sub>${only.join(' · ')}</sub>` : figure;
}

/** A primary-key figure: zero plainly, a problem in bold with each table's share. */
function pkCell(total: number | undefined, sides: [number, number] | undefined): string {
  if (total === undefined || total === 0 || !sides) return flagged(total);
  return `<strong>${count(total)}</strong><br><sub>prod ${count(sides[0])} · PR ${count(sides[1])}</sub>`;
}

/** The changed columns by name, the first few. */
function schemaCell({ report, schemaChanges = [] }: DiffRow): string {
  if (schemaChanges.length === 0)
    return report.schema_changes === undefined ? '–' : count(report.schema_changes);
  const more = schemaChanges.length - SCHEMA_CHANGES_SHOWN;
  return (
    schemaChanges
      .slice(0, SCHEMA_CHANGES_SHOWN)
      .map((change) => `<code>${cut(change, 60)}</code>`)
      .join('<br>') + (more > 0 ? `<br><sub>and ${more} more</sub>` : '')
  );
}

/** Why a row has no figures, if it has none. */
function missingFigures(row: DiffRow): string | undefined {
  const { report } = row;
  if (row.error !== undefined) return cut(row.error, 300);
  if (row.unreadable !== undefined)
    return `<em>Figures could not be read: ${cut(row.unreadable, 300)}</em>`;
  if (report.rows_total === undefined && report.pk_nulls === undefined) {
    const status = report.status ? ` (status <code>${escape(report.status)}</code>)` : '';
    return `<em>${row.finished ? 'No figures' : 'Not finished'}${status}</em>`;
  }
  return undefined;
}

function resultRow(row: DiffRow): string {
  const { report } = row;
  const [cue, label] = LOOK[report.result ?? 'none'];
  const cell = (html: string, span = 1) =>
    `<td${span > 1 ? ` colspan="${span}"` : ''}>${html}</td>`;
  const note = missingFigures(row);
  const figures =
    note !== undefined
      ? cell(note, 5)
      : [
          rowsCell(row),
          flagged(report.columns_different),
          pkCell(report.pk_nulls, row.pkNulls),
          pkCell(report.pk_duplicates, row.pkDuplicates),
          schemaCell(row)
        ]
          .map((html) => cell(html))
          .join('');
  return `<tr>${cell(`${cue} <strong>${label}</strong>`)}${cell(
    `<code>${cut(report.prod)}</code><br>→&nbsp;<code>${cut(report.pr)}</code>`
  )}${figures}${cell(report.url ? `<a href="${escape(report.url)}">Open</a>` : '–')}</tr>`;
}

const RESULT_HEADERS = [
  'Result',
  'Production → PR table',
  'Rows different',
  'Columns different',
  'PK nulls',
  'PK duplicates',
  'Schema changes',
  'Datafold'
];

/** Says that the run goes on in Datafold, and how far it had come when the step stopped. */
function goesOn(results: RunResults, run: string): string {
  const datafold = `<a href="${escape(results.host)}">Datafold</a>`;
  const finished = results.readable
    ? `: ${plural(results.rows.filter((row) => row.finished).length, 'data diff')} of ${count(results.rows.length)} had finished when the step stopped`
    : '';
  return `<p>⏳ ${escape(run)} goes on in ${datafold}${finished}. These are the results known so far; each diff's link leads to its page in Datafold.</p>`;
}

/** The run's data diffs: counts, the gate, and a table with the problems first. */
export function resultsSection(results: RunResults, outcome: Outcome): string {
  const run = runName(results.ciRunId);
  const parts = ['<h3>Data diff results</h3>'];
  if (!results.ended) parts.push(goesOn(results, run));
  const failOn = outcome.failOn ?? [];
  if (!results.readable) {
    parts.push(
      `<p>⚠️ The results of ${escape(run)} could not be read: ${cut(results.reason, 600)}</p>`,
      `<p>See the run in <a href="${escape(results.host)}">Datafold</a>${outcome.prUrl ? ` or on the <a href="${escape(outcome.prUrl)}">pull request</a>` : ''}. ${
        failOn.length > 0
          ? `<code>fail-on</code> could not be checked, so the step failed.`
          : 'The step&#39;s outcome does not depend on them.'
      }</p>`
    );
    return parts.join('\n');
  }
  const { rows } = results;
  const counts = Object.entries(resultCounts(rows)).map(
    ([result, n]) =>
      `${LOOK[result][0]} ${count(n)} ${result === 'none' ? 'without a result' : result}`
  );
  parts.push(
    `<p><strong>${escape(run)}</strong>: ${plural(rows.length, 'data diff')}${counts.length > 0 ? ` — ${counts.join(' · ')}` : ''}</p>`
  );
  if (results.incomplete)
    parts.push(
      `<p>⚠️ Datafold listed more data diffs than the action reads (${MAX_PAGES} pages): these results may be incomplete.</p>`
    );
  if (failOn.length > 0) {
    const hits = tripped(rows, failOn).length;
    const gate = `<code>fail-on: ${escape(failOn.join(', '))}</code>`;
    parts.push(
      hits > 0
        ? `<p>⛔ ${gate}: tripped by ${plural(hits, 'data diff')}${results.ended ? '' : ' so far'}.</p>`
        : !results.ended
          ? `<p>⏳ ${gate}: not tripped by the diffs finished so far.</p>`
          : results.incomplete
            ? `<p>⚠️ ${gate}: could not be checked on every diff, so the step failed.</p>`
            : `<p>✅ ${gate}: passed.</p>`
    );
  }
  if (rows.length === 0) return parts.join('\n');
  const shown = problemsFirst(rows).slice(0, RESULT_ROWS);
  parts.push(
    `<table><tr>${RESULT_HEADERS.map((header) => `<th>${header}</th>`).join('')}</tr>`,
    ...shown.map(resultRow),
    '</table>'
  );
  if (rows.length > RESULT_ROWS) {
    const identical = rows.filter(({ report }) => report.result === 'identical').length;
    const left = rows.length - RESULT_ROWS;
    parts.push(
      `<p>… and ${plural(left, 'more data diff')}${identical >= left ? ', all identical' : ''}: every diff is in the <code>results</code> output.</p>`
    );
  }
  return parts.join('\n');
}
