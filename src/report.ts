import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import type { DiffEntry } from './diffs.js';
import {
  MAX_PAGES,
  problemsFirst,
  resultCounts,
  runName,
  tripped,
  type DiffRow,
  type FailOn,
  type RunResults
} from './results.js';
import type { Skip } from './rules.js';
import { redact } from './secrets.js';

/** Everything the run learnt, filled in stage by stage; what is unknown stays undefined. */
export interface Outcome {
  /** The pipeline stage under way (or the last one begun), as its log group is named. */
  stage?: string;
  prNumber?: number;
  prUrl?: string;
  headSha?: string;
  entries?: DiffEntry[];
  submitted: boolean;
  skip?: Skip;
  ciRunId?: number | null;
  runId?: number | null;
  runStatus?: string;
  /** The answer to the submission was lost: what happened and which run was followed. */
  answerLost?: string;
  failure?: string;
  /** Each problem behind the failure, e.g. every mistake in the diffs file. */
  problems?: string[];
  /** The ended run's data diffs, with `wait`. */
  results?: RunResults;
  failOn?: FailOn[];
}

const SUMMARY_ROWS = 25;
const SUMMARY_PROBLEMS = 20;

/** Writes every output to GITHUB_OUTPUT, redacted; throws when the file cannot be written. */
export function setOutputs(outcome: Outcome): void {
  const text = (value: number | string | null | undefined) =>
    value === undefined || value === null ? '' : String(value);
  const results = outcome.results?.readable ? outcome.results.rows : undefined;
  const outputs = {
    'pr-number': text(outcome.prNumber),
    'head-sha': text(outcome.headSha),
    submitted: String(outcome.submitted),
    'skipped-reason': text(outcome.skip?.reason),
    'diff-count': text(outcome.entries?.length),
    'ci-run-id': text(outcome.ciRunId),
    'run-id': text(outcome.runId),
    'run-status': text(outcome.runStatus),
    results: results ? JSON.stringify(results.map((row) => row.report)) : '',
    'result-counts': results ? JSON.stringify(resultCounts(results)) : ''
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, redact(value));
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function decision(outcome: Outcome): string {
  if (outcome.failure !== undefined)
    return `❌ <strong>Failed</strong>: ${escape(outcome.failure)}`;
  if (outcome.skip)
    return `⏭️ <strong>Skipped</strong> (<code>${outcome.skip.reason}</code>): ${escape(outcome.skip.message)}`;
  if (outcome.submitted) {
    const status = outcome.runStatus
      ? `; the CI run ended <strong>${escape(outcome.runStatus)}</strong>`
      : '';
    return `✅ <strong>Submitted</strong> to Datafold${status}.`;
  }
  if (outcome.answerLost)
    return `⚠️ <strong>Not confirmed</strong>: Datafold's answer to the submission was lost; the CI run followed ended <strong>${escape(outcome.runStatus ?? '')}</strong>.`;
  return '⚠️ <strong>Not submitted</strong>: Datafold had no CI run waiting for this pull request.';
}

/**
 * The job summary: the decision, the pull request, Datafold's ids and the diffs, appended to
 * GITHUB_STEP_SUMMARY redacted; rejects when the file cannot be written.
 */
export async function writeSummary(outcome: Outcome): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  const summary = core.summary
    .addHeading('Datafold CI', 2)
    .addRaw(`<p>${decision(outcome)}</p>`, true);
  const problems = outcome.problems ?? [];
  if (problems.length > 0) {
    summary.addList(
      problems.slice(0, SUMMARY_PROBLEMS).map((problem) => `<code>${escape(problem)}</code>`)
    );
    if (problems.length > SUMMARY_PROBLEMS) {
      summary.addRaw(`<p>… and ${problems.length - SUMMARY_PROBLEMS} more problems.</p>`, true);
    }
  }
  if (outcome.results) summary.addRaw(resultsSection(outcome.results, outcome), true);
  const facts: string[] = [];
  if (outcome.prNumber !== undefined) {
    const label = `#${outcome.prNumber}`;
    facts.push(
      `Pull request: ${outcome.prUrl ? `<a href="${escape(outcome.prUrl)}">${label}</a>` : label}`
    );
  }
  if (outcome.headSha) facts.push(`Head commit: <code>${escape(outcome.headSha)}</code>`);
  if (outcome.answerLost) facts.push(escape(outcome.answerLost));
  if (outcome.ciRunId != null) facts.push(`Datafold CI run: <code>${outcome.ciRunId}</code>`);
  if (outcome.runId != null) facts.push(`Datafold run: <code>${outcome.runId}</code>`);
  if (facts.length > 0) summary.addList(facts);
  const entries = outcome.entries ?? [];
  if (entries.length > 0) {
    // An empty cell would collapse the table row in core.summary's HTML.
    const cell = (items: string[] | null) =>
      items === null ? '<em>null</em>' : items.length === 0 ? '–' : escape(items.join(', '));
    summary.addHeading('Diffs submitted', 3).addTable([
      [
        { data: 'prod', header: true },
        { data: 'pr', header: true },
        { data: 'pk', header: true },
        { data: 'include_columns', header: true },
        { data: 'exclude_columns', header: true }
      ],
      ...entries
        .slice(0, SUMMARY_ROWS)
        .map((entry) => [
          escape(entry.prod),
          escape(entry.pr),
          cell(entry.pk),
          cell(entry.include_columns),
          cell(entry.exclude_columns)
        ])
    ]);
    if (entries.length > SUMMARY_ROWS) {
      summary.addRaw(
        `<p>… and ${entries.length - SUMMARY_ROWS} more of ${entries.length} diffs.</p>`,
        true
      );
    }
  }
  const text = redact(summary.stringify());
  summary.emptyBuffer();
  await appendFile(file, text, 'utf8');
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
  if (report.rows_total === undefined && report.pk_nulls === undefined)
    return `<em>No figures${report.status ? ` (status <code>${escape(report.status)}</code>)` : ''}</em>`;
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

/** The ended run's data diffs: counts, the gate, and a table with the problems first. */
function resultsSection(results: RunResults, outcome: Outcome): string {
  const run = runName(results.ciRunId);
  const parts = ['<h3>Data diff results</h3>'];
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
        ? `<p>⛔ ${gate}: tripped by ${plural(hits, 'data diff')}.</p>`
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
