/**
 * Discovery (docs/discovery.md): the diffs found in the pull request's changed files. The I/O
 * shell around the pure readers: which listed files to read, reading them from the workspace,
 * then naming, de-duplicating and validating what they declare, every problem at once.
 *
 * Nothing of a file's content reaches the log, the summary or Datafold but the table names
 * and keys found: problems point at a file and line, never quote it.
 */
import * as core from '@actions/core';
import { realpath } from 'node:fs/promises';
import picomatch from 'picomatch';
import type { DiscoverMode } from '../../inputs/discovery.js';
import type { Inputs } from '../../inputs/inputs.js';
import { FILE_LISTING_CAP, type ChangedFileListing } from '../../pull-request/changed-files.js';
import { ActionError, capped, type Annotation } from '../../runtime/errors.js';
import { mapConcurrently } from '../../runtime/map-concurrently.js';
import { sinceStartMs } from '../../runtime/timing.js';
import { validateDiffs, type DiffEntry, type DiffProblem } from '../validate.js';
import { readChangedFile } from './files.js';
import { nameTables, sqlmeshEnvironment, type Naming } from './names.js';
import { readSql, type NamePart } from './sql.js';
import { readSqlmeshModel } from './sqlmesh.js';

export interface DiscoveryOptions {
  mode: DiscoverMode;
  /** Globs of the changed files to read; empty: the mode's default. */
  paths: string[];
  naming: Naming;
}

/** Where a discovered entry came from: the file as GitHub lists it, and the line. */
export interface Source {
  file: string;
  line: number;
}

export interface Discovered {
  entries: DiffEntry[];
  /** Each entry's source, in the same order. */
  sources: Source[];
  /** How many changed files were read. */
  filesRead: number;
}

const DEFAULT_PATHS: Record<DiscoverMode, string[]> = {
  sql: ['**/*.sql'],
  sqlmesh: ['models/**/*.sql']
};

/** Files read at once: enough to overlap the reads, few enough to bound the memory (8 × 8 MiB). */
const CONCURRENT_READS = 8;
/** Discovered entries listed in the log one by one; the rest are counted. */
const LOGGED_ENTRIES = 50;

/** A table a file declares, before it is named. */
interface Declared extends Source {
  name: NamePart[];
  pk: string[];
}

/** What reading one file gave. */
interface FileOutcome {
  read: boolean;
  missing?: boolean;
  bytes: number;
  declared: Declared[];
  warnings: Annotation[];
  /** With `discover: sqlmesh`: a file that holds no model (a macro, an audit, a Python model). */
  notAModel?: boolean;
}

export async function discoverDiffs(
  listing: ChangedFileListing,
  workspace: string,
  options: DiscoveryOptions
): Promise<Discovered> {
  const started = sinceStartMs();
  if (listing.overCap !== undefined)
    throw new ActionError(
      `The pull request changes ${listing.overCap} files and GitHub lists only the first ${FILE_LISTING_CAP}, so discovery cannot see the rest: split the pull request, or list its diffs in a file ("diffs") instead of "discover".`
    );
  const patterns = options.paths.length > 0 ? options.paths : DEFAULT_PATHS[options.mode];
  const matches = picomatch(patterns, { dot: true });
  const present = listing.files.filter((file) => file.status !== 'removed');
  const candidates = present.filter((file) => matches(file.path)).map((file) => file.path);
  const removed = listing.files.length - present.length;
  core.info(
    `discover: ${options.mode}: ${candidates.length} of the ${listing.files.length} changed files match ${patterns.map((p) => `"${p}"`).join(', ')}${removed > 0 ? ` (${removed} removed, not read)` : ''}.`
  );

  const root = await realpath(workspace);
  const outcomes = await mapConcurrently(candidates, CONCURRENT_READS, (file) =>
    readOne(root, file, options.mode)
  );
  for (const { message, ...where } of outcomes.flatMap((outcome) => outcome.warnings))
    core.warning(message, where);
  const filesRead = outcomes.filter((outcome) => outcome.read).length;
  if (filesRead === 0) requireCheckout(candidates, outcomes);
  const notModels = outcomes.filter((outcome) => outcome.notAModel).length;
  if (notModels > 0)
    core.notice(
      `Skipped ${notModels} changed ${notModels === 1 ? 'file' : 'files'} matching "discover-paths" that ${notModels === 1 ? 'holds' : 'hold'} no SQLMesh model (no MODEL (...) block first: macros, audits, Python models).`
    );

  const discovered = nameAll(
    outcomes.flatMap((outcome) => outcome.declared),
    options.naming
  );
  const bytes = outcomes.reduce((sum, outcome) => sum + outcome.bytes, 0);
  core.debug(
    `Discovered ${discovered.entries.length} entries in ${filesRead} files (${bytes} bytes) in ${(sinceStartMs() - started).toFixed(1)} ms.`
  );
  logEntries(discovered);
  if (discovered.entries.length === 0)
    core.notice(
      `Discovery found no table in the ${filesRead} changed ${filesRead === 1 ? 'file' : 'files'} it read: the diffs are [], which tells Datafold there is nothing to diff.`
    );
  return { ...discovered, filesRead };
}

/** What discovery does with the inputs, for pull request `prNumber` of `repository`. */
export function discoveryOptions(
  inputs: Inputs,
  mode: DiscoverMode,
  repository: string,
  prNumber: number
): DiscoveryOptions {
  const { prodParams, prParams, prodTable, prTable } = inputs;
  const naming: Naming = { prodParams, prParams, prodTable, prTable, prNumber };
  if (mode === 'sqlmesh' && !prTable) {
    const given = inputs.sqlmeshEnvironment;
    naming.sqlmeshEnvironment = sqlmeshEnvironment(given, repository, prNumber);
    core.info(
      `PR tables in SQLMesh's environment "${naming.sqlmeshEnvironment}"${given === '' ? `, the one SQLMesh's GitHub CI/CD bot creates for pull request #${prNumber}` : ''}.`
    );
  }
  return { mode, paths: inputs.discoverPaths, naming };
}

/** Reads and parses one changed file. */
async function readOne(root: string, file: string, mode: DiscoverMode): Promise<FileOutcome> {
  const read = await readChangedFile(root, file);
  if (read.kind === 'missing')
    return {
      read: false,
      missing: true,
      bytes: 0,
      declared: [],
      warnings: [
        {
          message: `${file} is changed by the pull request but missing from the workspace; not read.`,
          file
        }
      ]
    };
  if (read.kind === 'skipped')
    return {
      read: false,
      bytes: 0,
      declared: [],
      warnings: [{ message: `${file} ${read.why}; not read.`, file }]
    };
  const outcome: FileOutcome = { read: true, bytes: read.bytes, declared: [], warnings: [] };
  const unterminated = (what: string, line: number) =>
    outcome.warnings.push({
      message: `${file}:${line}: the ${what} that opens here never closes, so the rest of the file was not read as SQL.`,
      file,
      startLine: line
    });
  if (mode === 'sql') {
    const reading = readSql(read.text);
    outcome.declared = reading.tables.map((table) => ({ file, ...table }));
    if (reading.unterminated) unterminated(reading.unterminated.what, reading.unterminated.line);
    return outcome;
  }
  const model = readSqlmeshModel(read.text);
  if (model.kind === 'model')
    outcome.declared = [{ file, line: model.line, name: model.name, pk: model.pk }];
  else if (model.kind === 'not-a-model') outcome.notAModel = true;
  else if (model.kind === 'unterminated') unterminated(model.what, model.line);
  else
    outcome.warnings.push({
      message: `${file}:${model.line}: the MODEL block has no name, so its table is unknown; give it "name schema.table".`,
      file,
      startLine: model.line
    });
  return outcome;
}

/**
 * When no file could be read and some were missing, the workspace is not the pull request's
 * checkout: an error, since discovery would otherwise tell Datafold there is nothing to diff.
 */
function requireCheckout(candidates: string[], outcomes: FileOutcome[]): void {
  const missing = candidates.filter((_, i) => outcomes[i].missing);
  if (missing.length === 0) return;
  const named = missing.slice(0, 3).map((file) => `"${file}"`);
  const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
  throw new ActionError(
    `None of the ${candidates.length} changed files that match "discover-paths" could be read from the workspace (${named.join(', ')}${more} ${missing.length === 1 ? 'is' : 'are'} missing): check out the pull request first, with actions/checkout in this job before this step.`
  );
}

/**
 * Names each declared table, keeps the first of each (prod, pr), and validates the entries
 * as a diffs file's are; any problem fails the step at once, each at its file and line.
 */
function nameAll(declared: Declared[], naming: Naming): Omit<Discovered, 'filesRead'> {
  const entries: DiffEntry[] = [];
  const sources: Source[] = [];
  const problems: Annotation[] = [];
  const seen = new Map<string, Source>();
  for (const { file, line, name, pk } of declared) {
    const named = nameTables(name, naming);
    if ('problems' in named) {
      for (const problem of named.problems)
        problems.push({ message: `${file}:${line}: ${problem}`, file, startLine: line });
      continue;
    }
    const key = JSON.stringify([named.prod, named.pr]);
    const first = seen.get(key);
    if (first) {
      core.info(
        `${file}:${line}: ${named.prod} → ${named.pr} again (first in ${first.file}:${first.line}): diffed once.`
      );
      continue;
    }
    seen.set(key, { file, line });
    entries.push({ ...named, pk, include_columns: [], exclude_columns: [] });
    sources.push({ file, line });
  }
  const { errors, warnings } = validated(entries, sources);
  for (const { message, ...where } of capped(warnings, 'discovery', 'warning'))
    core.warning(message, where);
  problems.push(...errors);
  if (problems.length > 0) {
    const one = problems.length === 1;
    throw new ActionError(
      `Discovery found ${one ? 'a problem' : `${problems.length} problems`}; nothing was sent to Datafold. Fix ${one ? 'it' : 'them'} and push again.`,
      capped(problems, 'discovery', 'problem')
    );
  }
  return { entries, sources };
}

/**
 * The entries checked by the diffs file's own validator, so that the rules cannot drift: one
 * entry per line of a JSON array, each problem placed back at the entry's source.
 */
function validated(
  entries: DiffEntry[],
  sources: Source[]
): { errors: Annotation[]; warnings: Annotation[] } {
  const json = `[\n${entries.map((entry) => JSON.stringify(entry)).join(',\n')}\n]`;
  const { errors, warnings } = validateDiffs(json);
  const placed = (problem: DiffProblem): Annotation[] => {
    const i = problem.line - 2;
    if (i < 0 || i >= entries.length) return []; // the empty list: the notice says it
    const { file, line } = sources[i];
    const message = problem.message.replace(/^entry \d+: /, '');
    return [{ message: `${file}:${line}: ${entries[i].prod}: ${message}`, file, startLine: line }];
  };
  return { errors: errors.flatMap(placed), warnings: warnings.flatMap(placed) };
}

function logEntries({ entries, sources }: Omit<Discovered, 'filesRead'>): void {
  entries.slice(0, LOGGED_ENTRIES).forEach(({ prod, pr, pk }, i) => {
    const key = pk === null || pk.length === 0 ? 'no primary key' : `pk ${pk.join(', ')}`;
    core.info(`${sources[i].file}:${sources[i].line}: ${prod} → ${pr} (${key})`);
  });
  if (entries.length > LOGGED_ENTRIES)
    core.info(`… and ${entries.length - LOGGED_ENTRIES} more (the "diffs" output has them all).`);
}
