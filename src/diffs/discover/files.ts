/**
 * Reading a changed file from the workspace for discovery. A pull request chooses which files
 * are read, so only regular files inside the workspace are, up to 8 MiB, in UTF-8: a path or
 * a symbolic link that leads outside it is never opened, a FIFO or a device never read.
 */
import { isUtf8 } from 'node:buffer';
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { foreignEncoding, MIB, readAtMost } from '../file-bytes.js';

/** A SQL model is far smaller; a file this large is data, not a model. */
export const MAX_FILE_BYTES = 8 * MIB;

export type FileRead =
  | { kind: 'text'; text: string; bytes: number }
  | { kind: 'missing' }
  /** Not read: why, to follow the file's path in a warning. */
  | { kind: 'skipped'; why: string };

/**
 * Reads `relativePath` (as GitHub lists it) from the workspace, whose real path (symbolic
 * links resolved) is `workspace`.
 */
export async function readChangedFile(workspace: string, relativePath: string): Promise<FileRead> {
  const absolute = path.resolve(workspace, relativePath);
  if (!inside(workspace, absolute)) return { kind: 'skipped', why: 'leads outside the workspace' };
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    return failed(error);
  }
  // Its content is the link's target: never shown, whatever it is.
  if (!inside(workspace, real))
    return {
      kind: 'skipped',
      why: 'is a symbolic link, or under one, that leads outside the workspace'
    };
  let handle;
  try {
    // Non-blocking, so that a FIFO without a writer opens and fstat can refuse it; no link
    // swapped in since realpath is followed.
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    return failed(error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { kind: 'skipped', why: 'is not a regular file' };
    if (stats.size > MAX_FILE_BYTES) return tooLarge(stats.size);
    const bytes = await readAtMost(handle, stats.size, MAX_FILE_BYTES);
    if (bytes.length > MAX_FILE_BYTES) return tooLarge(bytes.length);
    return decoded(bytes);
  } catch (error) {
    return failed(error);
  } finally {
    await handle.close();
  }
}

function inside(workspace: string, target: string): boolean {
  const relative = path.relative(workspace, target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function tooLarge(bytes: number): FileRead {
  const mib = Math.ceil((bytes / MIB) * 10) / 10;
  return {
    kind: 'skipped',
    why: `is ${mib} MiB; discovery reads files of up to ${MAX_FILE_BYTES / MIB} MiB (a SQL model is far smaller)`
  };
}

/** The text of UTF-8 bytes (a byte-order mark dropped); anything else is skipped. */
function decoded(bytes: Buffer): FileRead {
  const encoding = foreignEncoding(bytes);
  if (encoding) return { kind: 'skipped', why: `is ${encoding} text, not UTF-8` };
  if (bytes.includes(0)) return { kind: 'skipped', why: 'is binary (it holds NUL bytes), not SQL' };
  if (!isUtf8(bytes)) return { kind: 'skipped', why: 'is not UTF-8 text' };
  const text = bytes.toString('utf8');
  return {
    kind: 'text',
    text: text.startsWith('\uFEFF') ? text.slice(1) : text,
    bytes: bytes.length
  };
}

function failed(error: unknown): FileRead {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  if (code === 'ELOOP')
    return { kind: 'skipped', why: 'is a symbolic link that leads nowhere it can be read' };
  return { kind: 'skipped', why: `cannot be read (${code ?? 'unknown error'})` };
}
