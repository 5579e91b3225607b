import * as core from '@actions/core';
import { appendFile } from 'node:fs/promises';
import { redact } from '../inputs/secrets.js';
import { cutList } from '../runtime/lists.js';
import { escape } from './html.js';
import type { Discovered } from '../diffs/discover/discover.js';
import type { Outcome } from './outcome.js';
import { resultOutputs, resultsSection } from './results-view.js';

const SUMMARY_ROWS = 25;
const SUMMARY_PROBLEMS = 20;

/** Writes every output to GITHUB_OUTPUT, redacted; throws when the file cannot be written. */
export async function setOutputs(outcome: Outcome): Promise<void> {
  const text = (value: number | string | null | undefined) =>
    value === undefined || value === null ? '' : String(value);
  const { results } = outcome;
  const resultsOutputs = results?.readable
    ? resultOutputs(results.rows)
    : { results: '', 'result-counts': '' };
  const outputs = {
    'pr-number': text(outcome.prNumber),
    'head-sha': text(outcome.headSha),
    submitted: String(outcome.submitted),
    'skipped-reason': text(outcome.skip?.reason),
    'diff-count': text(outcome.entries?.length),
    // As submitted (or, with dry-run, as it would be): normalised, whichever way given.
    diffs: outcome.entries ? JSON.stringify(outcome.entries) : '',
    'ci-run-id': text(outcome.ciRunId),
    'run-id': text(outcome.runId),
    'run-status': text(outcome.runStatus),
    ...resultsOutputs
  };
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, redact(value));
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

/** An empty cell would collapse the table row in core.summary's HTML. */
const cell = (items: string[] | null) =>
  items === null ? '<em>null</em>' : items.length === 0 ? '–' : escape(cutList(items));

/** The diffs given (a file, inline JSON), the first SUMMARY_ROWS of them. */
function addDiffsTable(outcome: Outcome): void {
  const entries = outcome.entries ?? [];
  if (entries.length === 0) return;
  // A skip, a failure or a lost answer leaves them unsent, or unconfirmed.
  core.summary.addHeading(outcome.submitted ? 'Diffs submitted' : 'Diffs', 3);
  addCutTable(['prod', 'pr', 'pk', 'include_columns', 'exclude_columns'], entries, (entry) => [
    escape(entry.prod),
    escape(entry.pr),
    cell(entry.pk),
    cell(entry.include_columns),
    cell(entry.exclude_columns)
  ]);
}

/** The discovered diffs, each with the file and line it came from, the first SUMMARY_ROWS. */
function addDiscoveredTable({ entries, sources, filesRead }: Discovered): void {
  const files = `${filesRead} changed ${filesRead === 1 ? 'file' : 'files'} read`;
  const found =
    entries.length === 0
      ? 'No table'
      : `${entries.length} ${entries.length === 1 ? 'table' : 'tables'}`;
  core.summary.addHeading('Discovered', 3).addRaw(`<p>${found} in the ${files}.</p>`, true);
  if (entries.length === 0) return;
  addCutTable(
    ['prod', 'pr', 'pk', 'from'],
    entries,
    (entry, i) => [
      escape(entry.prod),
      escape(entry.pr),
      cell(entry.pk),
      `<code>${escape(sources[i].file)}:${sources[i].line}</code>`
    ],
    ' (the <code>diffs</code> output has them all)'
  );
}

/** A table of the first SUMMARY_ROWS items, one row each, then a count of the rest. */
function addCutTable<T>(
  headers: string[],
  items: T[],
  row: (item: T, index: number) => string[],
  rest = ''
): void {
  core.summary.addTable([
    headers.map((data) => ({ data, header: true })),
    ...items.slice(0, SUMMARY_ROWS).map(row)
  ]);
  if (items.length > SUMMARY_ROWS)
    core.summary.addRaw(
      `<p>… and ${items.length - SUMMARY_ROWS} more of ${items.length} diffs${rest}.</p>`,
      true
    );
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
  if (outcome.discovered) addDiscoveredTable(outcome.discovered);
  else addDiffsTable(outcome);
  const text = redact(summary.stringify());
  summary.emptyBuffer();
  await appendFile(file, text, 'utf8');
}
