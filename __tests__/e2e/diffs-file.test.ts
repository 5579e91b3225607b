/**
 * The diffs file end to end (README "Diffs file format"): Datafold's own documentation example
 * is submitted as written, and the limits on what the action reads hold against the real bundle.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { outputs } from './run-checks.js';
import { expectRun } from './checks.js';
import { scenario } from './scenario.js';

jest.setTimeout(30_000);

const DATAFOLD_EXAMPLE = readFileSync(
  new URL('../../__fixtures__/datafold-docs-diffs.jsonc', import.meta.url),
  'utf8'
);

describe("Datafold's documentation example", () => {
  it.concurrent('is submitted as written, with a warning at "exclude_columns"', async () => {
    const run = await scenario({ files: { 'diffs.json': DATAFOLD_EXAMPLE } });
    expectRun(run, {
      outputs: outputs({ 'diff-count': '1' }),
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
