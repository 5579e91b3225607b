import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { formatProblem, validateDiffs, type DiffEntry } from './diffs.js';
import { ActionError } from './errors.js';
import type { Inputs } from './inputs.js';
import { sinceStartMs } from './timing.js';

/** Reads the diffs file (or `diffs-json`) and validates it; every problem fails the step at once. */
export async function loadDiffs(inputs: Pick<Inputs, 'diffs' | 'diffsJson'>): Promise<DiffEntry[]> {
  const { diffs } = inputs;
  const name = diffs.kind === 'file' ? diffs.path : 'diffs-json';
  const text =
    diffs.kind === 'file' ? await readDiffsFile(diffs.path, diffs.absolutePath) : inputs.diffsJson;
  const started = sinceStartMs();
  const { entries, errors, warnings } = validateDiffs(text);
  core.debug(`Validated ${entries.length} entries in ${(sinceStartMs() - started).toFixed(1)} ms.`);
  const file = diffs.kind === 'file' ? diffs.path : undefined;
  for (const warning of warnings) {
    core.warning(formatProblem(name, warning), {
      file,
      startLine: warning.line,
      startColumn: warning.column
    });
  }
  if (errors.length > 0) {
    throw new ActionError(
      `${name} has ${errors.length === 1 ? 'a problem' : `${errors.length} problems`}; nothing was sent to Datafold. Fix ${errors.length === 1 ? 'it' : 'them'} and push again.`,
      errors.map((error) => ({
        message: formatProblem(name, error),
        file,
        startLine: error.line,
        startColumn: error.column
      }))
    );
  }
  core.info(`${name}: ${entries.length} diff ${entries.length === 1 ? 'entry' : 'entries'}.`);
  return entries;
}

async function readDiffsFile(relativePath: string, absolutePath: string): Promise<string> {
  try {
    // One decode of the whole buffer: readFile's own decoding goes chunk by chunk.
    return (await readFile(absolutePath)).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ActionError(
      code === 'ENOENT'
        ? `The diffs file "${relativePath}" does not exist (looked for ${absolutePath}). Generate it in an earlier step of the job, or fix the "diffs" path (relative to the workspace).`
        : `Cannot read the diffs file "${relativePath}" (${code ?? (error as Error).message}).`
    );
  }
}
