import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync
} from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

/** A commit this reader does not cover; `git` itself must be asked. */
export const ASK_GIT = Symbol('ask git');

const FULL_SHA1 = /^[0-9a-f]{40}$/;
const PACK_INDEX_MAGIC = 0xff744f63; // "\377tOc", version 2 and later
const PACKED_COMMIT = 1;

/**
 * A commit's message read straight from the checkout's object database (loose objects and
 * packs), because starting `git` costs more than the rest of a run's own work. Returns null
 * when the commit is certainly absent (a shallow clone of the merge commit lacks the pull
 * request's head), and ASK_GIT for what it does not read: a commit stored as a delta, objects
 * borrowed from alternates, SHA-256 repositories, messages in another encoding.
 */
export function readCommitMessage(cwd: string, sha: string): string | null | typeof ASK_GIT {
  if (!FULL_SHA1.test(sha) || gitEnvironmentOverrides()) return ASK_GIT;
  try {
    const objects = objectDirectory(cwd);
    if (objects === undefined) return null;
    const object = readLoose(objects, sha) ?? readPacked(objects, sha);
    if (object === undefined)
      return existsSync(path.join(objects, 'info', 'alternates')) ? ASK_GIT : null;
    return object === ASK_GIT ? ASK_GIT : commitMessage(object);
  } catch {
    return ASK_GIT;
  }
}

function gitEnvironmentOverrides(): boolean {
  return ['GIT_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES'].some(
    (name) => process.env[name]
  );
}

/** The objects directory of the repository holding `cwd`, found as git finds it: upwards. */
function objectDirectory(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const gitDir = gitDirectoryAt(path.join(dir, '.git'));
    if (gitDir !== undefined) {
      // A linked worktree keeps its objects in the main repository's directory.
      const common = readIfPresent(path.join(gitDir, 'commondir'))?.toString('utf8').trim();
      return path.join(common ? path.resolve(gitDir, common) : gitDir, 'objects');
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** `.git` is a directory, or (worktrees, submodules) a file naming one. */
function gitDirectoryAt(dotGit: string): string | undefined {
  const stat = statSync(dotGit, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return dotGit;
  if (!stat?.isFile()) return undefined;
  const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
  return pointer ? path.resolve(path.dirname(dotGit), pointer[1].trim()) : undefined;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readLoose(objects: string, sha: string): Buffer | typeof ASK_GIT | undefined {
  const file = readIfPresent(path.join(objects, sha.slice(0, 2), sha.slice(2)));
  if (file === undefined) return undefined;
  const object = inflateSync(file);
  const headerEnd = object.indexOf(0);
  const [type, size] = object.toString('latin1', 0, headerEnd).split(' ');
  const body = object.subarray(headerEnd + 1);
  return type === 'commit' && Number(size) === body.length ? body : ASK_GIT;
}

function readPacked(objects: string, sha: string): Buffer | typeof ASK_GIT | undefined {
  const packs = path.join(objects, 'pack');
  const indexes = existsSync(packs) ? readdirSync(packs).filter((f) => f.endsWith('.idx')) : [];
  const name = Buffer.from(sha, 'hex');
  for (const index of indexes) {
    const offset = withFile(path.join(packs, index), (fd) => findInIndex(fd, name));
    if (offset === ASK_GIT) return ASK_GIT;
    if (offset !== undefined)
      return withFile(path.join(packs, index.replace(/\.idx$/, '.pack')), (fd) =>
        readPackEntry(fd, offset)
      );
  }
  return undefined;
}

function withFile<T>(file: string, read: (fd: number) => T): T {
  const fd = openSync(file, 'r');
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  return buffer.subarray(0, readSync(fd, buffer, 0, length, position));
}

/**
 * The pack offset of an object from a version-2 pack index: a 256-entry fan-out table, the
 * sorted names, their CRCs, 31-bit offsets and then 64-bit ones. Read piecewise, because the
 * index of a full clone of a large repository runs to tens of megabytes.
 */
function findInIndex(fd: number, name: Buffer): number | typeof ASK_GIT | undefined {
  const header = readAt(fd, 0, 8 + 256 * 4);
  if (header.length < 8 + 256 * 4 || header.readUInt32BE(0) !== PACK_INDEX_MAGIC) return ASK_GIT;
  if (header.readUInt32BE(4) !== 2) return ASK_GIT;
  const fanOut = (byte: number) => header.readUInt32BE(8 + byte * 4);
  const count = fanOut(255);
  const names = 8 + 256 * 4;
  let low = name[0] === 0 ? 0 : fanOut(name[0] - 1);
  let high = fanOut(name[0]);
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = readAt(fd, names + middle * 20, 20).compare(name);
    if (order === 0) {
      const offsets = names + count * 24; // past the names and their CRCs
      const offset = readAt(fd, offsets + middle * 4, 4).readUInt32BE(0);
      if (offset < 0x80000000) return offset;
      const large = offsets + count * 4 + (offset & 0x7fffffff) * 8;
      return Number(readAt(fd, large, 8).readBigUInt64BE(0));
    }
    if (order < 0) low = middle + 1;
    else high = middle;
  }
  return undefined;
}

/** An undeltified commit in a pack: a type-and-size header, then the zlib-deflated object. */
function readPackEntry(fd: number, offset: number): Buffer | typeof ASK_GIT {
  const header = readAt(fd, offset, 16);
  let byte = header[0];
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let used = 1;
  for (let shift = 4; byte & 0x80; shift += 7) {
    byte = header[used++];
    size += (byte & 0x7f) * 2 ** shift;
  }
  if (type !== PACKED_COMMIT) return ASK_GIT;
  // Deflate never grows data by more than 5 bytes per 16 kB block plus its own framing.
  const deflated = readAt(fd, offset + used, size + Math.ceil(size / 1000) + 64);
  const object = inflateSync(deflated);
  return object.length === size ? object : ASK_GIT;
}

/** The raw message after the headers, as `git log --format=%B` prints a UTF-8 commit. */
function commitMessage(object: Buffer): string | typeof ASK_GIT {
  const text = object.toString('utf8');
  const headersEnd = text.indexOf('\n\n');
  const headers = headersEnd === -1 ? text : text.slice(0, headersEnd);
  const encoding = /^encoding (.+)$/m.exec(headers)?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) return ASK_GIT;
  return headersEnd === -1 ? '' : text.slice(headersEnd + 2);
}
