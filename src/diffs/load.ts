import * as core from '@actions/core';
import { isUtf8 } from 'node:buffer';
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { foreignEncoding, MIB, readAtMost } from './file-bytes.js';
import {
  formatProblem,
  locate,
  validateDiffs,
  type DiffEntry,
  type DiffProblem
} from './validate.js';
import { ActionError, capped, type Annotation } from '../runtime/errors.js';
import type { Inputs } from '../inputs/inputs.js';
import { sinceStartMs } from '../runtime/timing.js';

const MAX_DIFFS_BYTES = 64 * MIB;

/** Where the diffs come from; a file's `path` is relative to the workspace, as annotations need. */
export type DiffsSource =
  { kind: 'file'; path: string; absolutePath: string } | { kind: 'inline'; json: string };

export function diffsSource(
  inputs: Pick<Inputs, 'diffs' | 'diffsJson'>,
  workspace: string
): DiffsSource {
  if (inputs.diffs === '') return { kind: 'inline', json: inputs.diffsJson };
  const absolutePath = path.resolve(workspace, inputs.diffs);
  return { kind: 'file', path: path.relative(workspace, absolutePath), absolutePath };
}

/** Reads the diffs file (or `diffs-json`) and validates it; every problem fails the step at once. */
export async function loadDiffs(diffs: DiffsSource): Promise<DiffEntry[]> {
  const name = diffs.kind === 'file' ? diffs.path : 'diffs-json';
  const file = diffs.kind === 'file' ? diffs.path : undefined;
  const text =
    diffs.kind === 'file'
      ? decode(name, await readDiffsFile(diffs.path, diffs.absolutePath))
      : diffs.json;
  const started = sinceStartMs();
  const { entries, errors, warnings } = validateDiffs(text);
  core.debug(`Validated ${entries.length} entries in ${(sinceStartMs() - started).toFixed(1)} ms.`);
  for (const { message, ...where } of annotations(name, file, warnings, 'warning')) {
    core.warning(message, where);
  }
  if (errors.length > 0) {
    throw new ActionError(
      `${name} has ${errors.length === 1 ? 'a problem' : `${errors.length} problems`}; nothing was sent to Datafold. Fix ${errors.length === 1 ? 'it' : 'them'} and push again.`,
      annotations(name, file, errors, 'problem')
    );
  }
  core.info(`${name}: ${entries.length} diff ${entries.length === 1 ? 'entry' : 'entries'}.`);
  return entries;
}

/** Each problem as an annotation at its line and column, the first 50 of them. */
function annotations(
  name: string,
  file: string | undefined,
  problems: DiffProblem[],
  kind: 'problem' | 'warning'
): Annotation[] {
  const located = problems.map((problem) => ({
    message: formatProblem(name, problem),
    file,
    startLine: problem.line,
    startColumn: problem.column
  }));
  return capped(located, name, kind);
}

async function readDiffsFile(relativePath: string, absolutePath: string): Promise<Buffer> {
  let handle: FileHandle;
  try {
    // Non-blocking, so that opening a FIFO without a writer returns and fstat can refuse it.
    handle = await open(absolutePath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw readError(relativePath, absolutePath, error);
  }
  try {
    // The checks are on the opened file itself, so nothing can swap it in between.
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new ActionError(
        `The diffs file "${relativePath}" is ${kindOf(stats)}, not a regular file. Set "diffs" to the path of the JSON file an earlier step of the job writes.`
      );
    }
    if (stats.size > MAX_DIFFS_BYTES) throw tooLarge(relativePath, stats.size);
    const bytes = await readAtMost(handle, stats.size, MAX_DIFFS_BYTES);
    // It grew while it was read.
    if (bytes.length > MAX_DIFFS_BYTES) throw tooLarge(relativePath, (await handle.stat()).size);
    return bytes;
  } catch (error) {
    throw error instanceof ActionError ? error : readError(relativePath, absolutePath, error);
  } finally {
    await handle.close();
  }
}

function tooLarge(name: string, bytes: number): ActionError {
  // Rounded up, so a file just over the limit does not read as "64 MiB".
  const mib = Math.ceil((bytes / MIB) * 10) / 10;
  return new ActionError(
    `${name} is ${mib} MiB; the limit is ${MAX_DIFFS_BYTES / MIB} MiB. Submit fewer diffs, or leave out the tables that did not change.`
  );
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}

function readError(relativePath: string, absolutePath: string, error: unknown): ActionError {
  const code = (error as NodeJS.ErrnoException).code;
  return new ActionError(
    code === 'ENOENT'
      ? `The diffs file "${relativePath}" does not exist (looked for ${absolutePath}). Generate it in an earlier step of the job, or fix the "diffs" path (relative to the workspace).`
      : `Cannot read the diffs file "${relativePath}" (${code ?? (error as Error).message}).`
  );
}

/** The file's text; anything but UTF-8 is refused (a UTF-8 BOM is left for the validator to skip). */
function decode(name: string, bytes: Buffer): string {
  const encoding = foreignEncoding(bytes);
  if (encoding) {
    throw new ActionError(
      `${name} is ${encoding} (it starts with a ${encoding} byte-order mark); save it as UTF-8. Windows PowerShell's > and Out-File write UTF-16 unless given -Encoding utf8.`
    );
  }
  const text = bytes.toString('utf8');
  if (isUtf8(bytes)) return text;
  const { offset, byte } = firstInvalidSequence(text, bytes);
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  const problem = {
    ...locate(text, offset),
    message: `invalid UTF-8 (byte 0x${hex}, from another encoding such as Latin-1 or Windows-1252): save the file as UTF-8`
  };
  throw new ActionError(
    `${name} is not UTF-8; nothing was sent to Datafold. Save it as UTF-8 and push again.`,
    annotations(name, name, [problem], 'problem')
  );
}

/**
 * Where decoding first replaced bytes with U+FFFD: the first U+FFFD in `text` that is not
 * an actual U+FFFD (EF BF BD) in the file. Every character before it decoded as itself, so
 * its byte offset is the byte length of the text before it.
 */
function firstInvalidSequence(text: string, bytes: Buffer): { offset: number; byte: number } {
  let position = 0;
  let byteOffset = 0;
  for (let offset = text.indexOf('\uFFFD'); ; offset = text.indexOf('\uFFFD', offset + 1)) {
    byteOffset += Buffer.byteLength(text.slice(position, offset));
    if (
      bytes[byteOffset] !== 0xef ||
      bytes[byteOffset + 1] !== 0xbf ||
      bytes[byteOffset + 2] !== 0xbd
    ) {
      return { offset, byte: bytes[byteOffset] };
    }
    byteOffset += 3;
    position = offset + 1;
  }
}
