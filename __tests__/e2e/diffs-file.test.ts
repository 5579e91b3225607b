/**
 * The diffs file end to end (README "Diffs file format"): Datafold's own documentation example
 * is submitted as written, and the limits on what the action reads hold against the real bundle:
 * each refusal fails the step at once, sends Datafold nothing and says what to change.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expectRun, skipped } from './checks.js';
import { errors, outputs } from './run-checks.js';
import { PR, scenario, type Scenario } from './scenario.js';

jest.setTimeout(30_000);

const DATAFOLD_EXAMPLE = readFileSync(
  new URL('../../__fixtures__/datafold-docs-diffs.jsonc', import.meta.url),
  'utf8'
);

describe("Datafold's documentation example", () => {
  it.concurrent('is submitted as written, with a warning at "exclude_columns"', async () => {
    const run = await scenario({ files: { 'diffs.json': DATAFOLD_EXAMPLE } });
    expectRun(run, {
      outputs: outputs({
        'diff-count': '1',
        diffs:
          '[{"prod":"MY.PROD.TABLE","pr":"MY.PR.TABLE","pk":["MY","PK","LIST"],"include_columns":["COLUMNS","TO","INCLUDE"],"exclude_columns":["COLUMNS","TO","EXCLUDE"]}]'
      }),
      datafold: ['POST /api/v1/ci/123/2'],
      github: []
    });
    const body = run.datafold.requests[0].json as object[];
    expect(body).toEqual([
      {
        prod: 'MY.PROD.TABLE',
        pr: 'MY.PR.TABLE',
        pk: ['MY', 'PK', 'LIST'],
        include_columns: ['COLUMNS', 'TO', 'INCLUDE'],
        exclude_columns: ['COLUMNS', 'TO', 'EXCLUDE']
      }
    ]);
    expect(body.map((entry) => Object.keys(entry))).toEqual([
      ['prod', 'pr', 'pk', 'include_columns', 'exclude_columns']
    ]);
    expect(run.result.commands.filter((c) => c.command === 'warning')).toEqual([
      {
        command: 'warning',
        properties: { file: 'diffs.json', line: '8', col: '24' },
        message:
          'diffs.json:8:24: entry 1: Datafold ignores "exclude_columns" when "include_columns" is set, ' +
          'so only the columns in "include_columns" are compared ("COLUMNS" and "TO" are in both lists); ' +
          'leave "exclude_columns" out to say what Datafold does'
      }
    ]);
  });
});

const FAILED = skipped('', { 'pr-number': String(PR.number), 'head-sha': PR.head.sha });
const NOT_REGULAR =
  'not a regular file. Set "diffs" to the path of the JSON file an earlier step of the job writes.';

/** Runs the action on a workspace that `prepare` lays out (a FIFO, a sparse file, raw bytes). */
async function inWorkspace(
  prepare: (workspace: string) => Promise<unknown>,
  inputs: Record<string, string> = {}
): Promise<Scenario> {
  const workspace = await mkdtemp(path.join(tmpdir(), 'diffs-workspace-'));
  try {
    await prepare(workspace);
    return await scenario({ workspace, files: {}, inputs, timeoutMs: 10_000 });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/** The step failed on the diffs, with exactly these errors, and Datafold heard nothing. */
function expectRefused(run: Scenario, expected: unknown[]): void {
  expectRun(run, { code: 1, outputs: FAILED, datafold: [], github: [] });
  expect(errors(run.result)).toEqual(expected);
}

describe('what the action refuses to read', () => {
  it.concurrent('a FIFO, at once although nothing writes to it', async () => {
    const run = await inWorkspace((workspace) =>
      promisify(execFile)('mkfifo', [path.join(workspace, 'diffs.json')])
    );
    expect(run.result.timedOut).toBe(false);
    expectRefused(run, [`The diffs file "diffs.json" is a named pipe (FIFO), ${NOT_REGULAR}`]);
  });

  it.concurrent('a device, /dev/zero, without reading it', async () => {
    const run = await inWorkspace(async () => {}, { diffs: '/dev/zero' });
    expectRefused(run, [expect.stringMatching(/^The diffs file "[./]*dev\/zero" is a device, /)]);
  });

  it.concurrent('a directory', async () => {
    const run = await scenario({ files: { 'ci/diffs.json': '[]' }, inputs: { diffs: 'ci' } });
    expectRefused(run, [`The diffs file "ci" is a directory, ${NOT_REGULAR}`]);
  });

  it.concurrent('a file over 64 MiB', async () => {
    const run = await inWorkspace(async (workspace) => {
      const file = path.join(workspace, 'diffs.json');
      await writeFile(file, '');
      await truncate(file, 80 * 1024 * 1024); // sparse
    });
    expectRefused(run, [
      'diffs.json is 80 MiB; the limit is 64 MiB. Submit fewer diffs, or leave out the tables that did not change.'
    ]);
  });

  it.concurrent('a file saved as UTF-16, by its byte-order mark', async () => {
    const run = await inWorkspace((workspace) =>
      writeFile(
        path.join(workspace, 'diffs.json'),
        Buffer.from('\uFEFF[{"prod": "a", "pr": "b", "pk": []}]', 'utf16le')
      )
    );
    expectRefused(run, [
      "diffs.json is UTF-16 (little-endian) (it starts with a UTF-16 (little-endian) byte-order mark); save it as UTF-8. Windows PowerShell's > and Out-File write UTF-16 unless given -Encoding utf8."
    ]);
  });

  it.concurrent('a byte that is not UTF-8, annotated where it is', async () => {
    const run = await inWorkspace((workspace) =>
      writeFile(
        path.join(workspace, 'diffs.json'),
        Buffer.concat([
          Buffer.from('[\n  {"prod": "caf'),
          Buffer.from([0xe9]), // "é" in Latin-1
          Buffer.from('", "pr": "b", "pk": []}\n]')
        ])
      )
    );
    expectRefused(run, [
      'diffs.json:2:16: invalid UTF-8 (byte 0xE9, from another encoding such as Latin-1 or Windows-1252): save the file as UTF-8',
      'diffs.json is not UTF-8; nothing was sent to Datafold. Save it as UTF-8 and push again.'
    ]);
    expect(run.result.commands.find((c) => c.command === 'error')?.properties).toEqual({
      file: 'diffs.json',
      line: '2',
      col: '16'
    });
  });
});

describe('problems past the limits', () => {
  const TOO_DEEP =
    'nested deeper than 32 levels: a diffs file needs 3 (the array, its entries, their column lists); check the brackets from here';
  const ONE_PROBLEM = 'has a problem; nothing was sent to Datafold. Fix it and push again.';

  it.concurrent.each([5_000, 100_000])(
    '%i nested brackets in a file: one error where level 33 opens',
    async (depth) => {
      const text = `[\n  {"prod": "a", "pr": "b", "pk": ${'['.repeat(depth)}`;
      const run = await scenario({ files: { 'diffs.json': text } });
      expectRefused(run, [`diffs.json:2:${33 + 31}: ${TOO_DEEP}`, `diffs.json ${ONE_PROBLEM}`]);
      expect(run.result.commands.find((c) => c.command === 'error')?.properties).toEqual({
        file: 'diffs.json',
        line: '2',
        col: '64'
      });
    }
  );

  it.concurrent.each([5_000, 100_000])('%i nested brackets in "diffs-json"', async (depth) => {
    const run = await scenario({
      // Unclosed: an environment variable, as inputs are passed, holds at most 128 KiB on Linux.
      inputs: { diffs: '', 'diffs-json': '['.repeat(depth) }
    });
    expectRefused(run, [`diffs-json:1:33: ${TOO_DEEP}`, `diffs-json ${ONE_PROBLEM}`]);
  });

  it.concurrent(
    '200 problems: 50 annotations, one that counts the rest, and the total',
    async () => {
      const entries = Array.from({ length: 200 }, (_, i) => `  {"prod": "p${i}", "pr": "r${i}"},`);
      const run = await scenario({ files: { 'diffs.json': ['[', ...entries, ']'].join('\n') } });
      const PK_HINT =
        '(the primary key columns, e.g. ["ORDER_ID"], or [] or null when there is none)';
      expectRefused(run, [
        ...Array.from(
          { length: 50 },
          (_, i) => `diffs.json:${i + 2}:3: entry ${i + 1}: "pk" is required ${PK_HINT}`
        ),
        'diffs.json: 150 more problems after these 50 (200 in all), not shown one by one; fix these and run again to see the rest',
        'diffs.json has 200 problems; nothing was sent to Datafold. Fix them and push again.'
      ]);
    }
  );
});
