import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as core from '../__fixtures__/core.js';

jest.unstable_mockModule('@actions/core', () => core);
const { diffsSource, loadDiffs } = await import('../src/diffs/load.js');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'load-diffs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MIB = 1024 * 1024;
const ENTRY = '{"prod": "a", "pr": "b", "pk": []}';

/** Loads `absolutePath` as the diffs file "diffs.json" of the workspace. */
const load = (absolutePath: string) =>
  loadDiffs({ kind: 'file', path: 'diffs.json', absolutePath });
const loadInline = (json: string) => loadDiffs({ kind: 'inline', json });

/** Writes `content` to a fresh file in the temp directory and returns its path. */
let written = 0;
function fileOf(content: string | Buffer): string {
  const file = path.join(dir, `diffs-${++written}.json`);
  writeFileSync(file, content);
  return file;
}

describe('loadDiffs: what is read', () => {
  it('reads and validates a diffs file', async () => {
    await expect(load(fileOf(`[${ENTRY}]`))).resolves.toEqual([
      { prod: 'a', pr: 'b', pk: [], include_columns: [], exclude_columns: [] }
    ]);
    expect(core.info).toHaveBeenCalledWith('diffs.json: 1 diff entry.');
  });

  const notRegular = 'not a regular file. Set "diffs" to the path of the JSON file';

  it('refuses a FIFO at once, with no writer on the other end', async () => {
    const fifo = path.join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    await expect(load(fifo)).rejects.toThrow(
      `The diffs file "diffs.json" is a named pipe (FIFO), ${notRegular}`
    );
  });

  it('refuses a device without reading it', async () => {
    await expect(load('/dev/zero')).rejects.toThrow(
      `The diffs file "diffs.json" is a device, ${notRegular}`
    );
  });

  it('refuses a directory', async () => {
    await expect(load(dir)).rejects.toThrow(
      `The diffs file "diffs.json" is a directory, ${notRegular}`
    );
  });

  it.each([
    [64 * MIB + 1, '64.1'],
    [100 * MIB, '100']
  ])('refuses a file of %i bytes as %s MiB', async (size, shown) => {
    const file = fileOf('');
    truncateSync(file, size); // sparse: nothing is written to disk
    await expect(load(file)).rejects.toThrow(
      `diffs.json is ${shown} MiB; the limit is 64 MiB. Submit fewer diffs`
    );
  });

  it('reads a file of exactly 64 MiB', async () => {
    // Padded with a comment, which jsonc-parser scans fast (long runs of spaces it does not).
    const text = `[${ENTRY}] /*`.padEnd(64 * MIB - 2, '.') + '*/';
    await expect(load(fileOf(text))).resolves.toHaveLength(1);
  });

  it('reads a regular file whose size the system reports as 0', async () => {
    // /proc files are regular files of size 0 that are not empty: the read must not trust fstat.
    await expect(load('/proc/self/status')).rejects.toMatchObject({
      message: expect.stringMatching(/^diffs\.json has \d+ problems/)
    });
  });
});

describe('loadDiffs: encodings', () => {
  it('ignores a UTF-8 byte-order mark', async () => {
    await expect(load(fileOf(`\uFEFF[${ENTRY}]`))).resolves.toHaveLength(1);
  });

  it.each([
    ['UTF-16 (little-endian)', Buffer.from(`\uFEFF[${ENTRY}]`, 'utf16le')],
    ['UTF-16 (big-endian)', Buffer.from(`\uFEFF[${ENTRY}]`, 'utf16le').swap16()],
    ['UTF-32 (little-endian)', Buffer.from([0xff, 0xfe, 0, 0, 0x5b, 0, 0, 0, 0x5d, 0, 0, 0])],
    ['UTF-32 (big-endian)', Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x5b, 0, 0, 0, 0x5d])]
  ])('names %s by its byte-order mark', async (encoding, bytes) => {
    await expect(load(fileOf(bytes))).rejects.toThrow(
      `diffs.json is ${encoding} (it starts with a ${encoding} byte-order mark); save it as UTF-8.`
    );
  });

  it('places the first byte that is not UTF-8, past a real U+FFFD', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`\uFEFF[\n  {"prod": "\uFFFD", "pr": "caf`),
      Buffer.from([0xe9]), // "é" in Latin-1
      Buffer.from(`", "pk": []}\n]`)
    ]);
    await expect(load(fileOf(bytes))).rejects.toMatchObject({
      message:
        'diffs.json is not UTF-8; nothing was sent to Datafold. Save it as UTF-8 and push again.',
      annotations: [
        {
          message:
            'diffs.json:2:27: invalid UTF-8 (byte 0xE9, from another encoding such as Latin-1 or Windows-1252): save the file as UTF-8',
          file: 'diffs.json',
          startLine: 2,
          startColumn: 27
        }
      ]
    });
  });
});

describe('loadDiffs: annotations', () => {
  /** `count` entries, one per line from line 2, each missing its "pk". */
  const withoutPk = (count: number) =>
    [
      '[',
      ...Array.from({ length: count }, (_, i) => `{"prod": "p${i}", "pr": "r${i}"},`),
      ']'
    ].join('\n');

  it('annotates the first 50 problems, then counts the rest', async () => {
    const failure = loadInline(withoutPk(200));
    await expect(failure).rejects.toMatchObject({
      message: 'diffs-json has 200 problems; nothing was sent to Datafold. Fix them and push again.'
    });
    const { annotations } = (await failure.catch((error: unknown) => error)) as {
      annotations: Array<{ message: string; startLine?: number }>;
    };
    expect(annotations).toHaveLength(51);
    expect(annotations.slice(0, 50).map((a) => a.startLine)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 2)
    );
    expect(annotations[50]).toEqual({
      message:
        'diffs-json: 150 more problems after these 50 (200 in all), not shown one by one; fix these and run again to see the rest'
    });
  });

  it('annotates 50 problems without a count', async () => {
    const failure = loadInline(withoutPk(50)).catch((error: unknown) => error);
    expect(((await failure) as { annotations: unknown[] }).annotations).toHaveLength(50);
  });

  it('caps warnings the same way, and still submits', async () => {
    const same = Array.from({ length: 51 }, (_, i) => `{"prod": "t${i}", "pr": "t${i}", "pk": []}`);
    await expect(loadInline(`[${same.join(',')}]`)).resolves.toHaveLength(51);
    expect(core.warning).toHaveBeenCalledTimes(51);
    expect(core.warning).toHaveBeenLastCalledWith(
      'diffs-json: 1 more warning after these 50 (51 in all), not shown one by one; fix these and run again to see the rest',
      {}
    );
  });
});

describe('diffsSource', () => {
  it.each([
    ['./dbt/diffs.json', 'dbt/diffs.json'],
    ['/work/dbt/diffs.json', 'dbt/diffs.json'],
    ['../elsewhere/diffs.json', '../elsewhere/diffs.json']
  ])(
    'keeps the diffs path %s relative to the workspace, as annotations need: %s',
    (input, relative) => {
      expect(diffsSource({ diffs: input, diffsJson: '' }, '/work')).toEqual({
        kind: 'file',
        path: relative,
        absolutePath: path.resolve('/work', input)
      });
    }
  );

  it('takes inline diffs-json instead of a file', () => {
    expect(diffsSource({ diffs: '', diffsJson: '[]' }, '/w')).toEqual({
      kind: 'inline',
      json: '[]'
    });
  });
});
