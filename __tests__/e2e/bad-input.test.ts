/**
 * Bad diffs files and bad inputs, end to end (README "Inputs", "Diffs file format"): each fails the
 * step (exit 1) with error annotations that name the problem (for a diffs file, one per
 * problem at its file, line and column), sends Datafold nothing, still writes the outputs
 * and never shows the key. And the fallbacks and warnings that must still submit.
 */
import { describe, expect, it, jest } from '@jest/globals';
import type { WorkflowCommand } from '../../stand-ins/runner.mjs';
import { expectRun, messages, skipped, type Outputs } from './checks.js';
import { outputs } from './run-checks.js';
import { API_KEY, DIFFS_FILE, PR, scenario, SUBMITTED_DIFFS, type Scenario } from './scenario.js';

jest.setTimeout(30_000);

/** One line per argument, so the expected line numbers can be read off the case. */
const lines = (...text: string[]) => text.join('\n');

const PROD_HINT = '(the production table, e.g. "ANALYTICS.PROD.ORDERS")';
const PR_HINT = '(the PR table, e.g. "ANALYTICS.PR_SCHEMA.ORDERS")';
const PK_HINT = '(the primary key columns, e.g. ["ORDER_ID"], or [] or null when there is none)';
const ACCEPTED_KEYS = '(accepted keys: "prod", "pr", "pk", "include_columns", "exclude_columns")';

type Problem = [line: number, column: number, message: string];

interface DiffsCase {
  name: string;
  text: string;
  problems: Problem[];
  /** Where the file is, relative to the workspace (default diffs.json). */
  path?: string;
}

const diffsCases: DiffsCase[] = [
  {
    name: 'a JSON syntax error (a missing comma)',
    text: lines(
      '[',
      '  {"prod": "a", "pr": "b", "pk": []}',
      '  {"prod": "c", "pr": "d", "pk": []}',
      ']'
    ),
    problems: [[3, 3, 'invalid JSON: expected a comma or closing bracket']]
  },
  {
    name: 'an unclosed array',
    text: '[{"prod": "a", "pr": "b", "pk": []}',
    problems: [[1, 36, 'invalid JSON: expected a comma or closing bracket ]']]
  },
  {
    name: 'an empty file',
    text: '',
    problems: [[1, 1, 'the diffs are empty: expected a JSON array of diff entries']]
  },
  {
    name: 'a top level object',
    text: lines('// one entry', '{"prod": "a", "pr": "b", "pk": null}'),
    problems: [
      [
        2,
        1,
        'the top level must be an array of diff entries, found an object (put a single entry inside [ ])'
      ]
    ]
  },
  {
    name: 'an entry that is not an object',
    text: lines('[', '  {"prod": "a", "pr": "b", "pk": []},', '  "ANALYTICS.PROD.ORDERS"', ']'),
    problems: [[3, 3, 'entry 2: expected an object with "prod", "pr" and "pk", found a string']]
  },
  {
    name: 'a missing "prod"',
    text: lines('[', '  {"pr": "b", "pk": []}', ']'),
    problems: [[2, 3, `entry 1: "prod" is required ${PROD_HINT}`]]
  },
  {
    name: 'a missing "pr"',
    text: lines('[', '  {"prod": "a", "pk": []}', ']'),
    problems: [[2, 3, `entry 1: "pr" is required ${PR_HINT}`]]
  },
  {
    name: 'a missing "pk"',
    text: lines('[', '  {', '    "prod": "a",', '    "pr": "b"', '  }', ']'),
    problems: [[2, 3, `entry 1: "pk" is required ${PK_HINT}`]]
  },
  {
    name: 'an empty "prod"',
    text: lines('[', '  {"prod": "", "pr": "b", "pk": []}', ']'),
    problems: [
      [2, 12, `entry 1: "prod" must be a non-empty string ${PROD_HINT}, found an empty string`]
    ]
  },
  {
    name: '"pk" given as a string',
    text: lines('[', '  {"prod": "a", "pr": "b", "pk": "id"}', ']'),
    problems: [
      [
        2,
        34,
        'entry 1: "pk" must be an array of column names or null, found a string (did you mean ["id"]?)'
      ]
    ]
  },
  {
    name: 'a "pk" column twice, and one that is not a string',
    text: lines('[', '  {"prod": "a", "pr": "b", "pk": ["id", 7, "id"]}', ']'),
    problems: [
      [2, 41, 'entry 1: "pk" item 2 must be a non-empty string, found a number'],
      [2, 44, 'entry 1: "pk" has "id" twice']
    ]
  },
  {
    name: 'an unknown key with a did-you-mean',
    text: lines('[', '  {"prod": "a", "pr": "b", "pk": [], "exclude_column": ["x"]}', ']'),
    problems: [[2, 38, 'entry 1: unknown key "exclude_column" (did you mean "exclude_columns"?)']]
  },
  {
    name: 'an unknown key with nothing like it',
    text: lines('[', '  {"prod": "a", "pr": "b", "pk": [], "table": "x"}', ']'),
    problems: [[2, 38, `entry 1: unknown key "table" ${ACCEPTED_KEYS}`]]
  },
  {
    name: '"include_columns": null',
    text: lines('[', '  {"prod": "a", "pr": "b", "pk": [], "include_columns": null}', ']'),
    problems: [
      [
        2,
        57,
        'entry 1: "include_columns" must be an array of column names (leave the key out or use [] for none), found null'
      ]
    ]
  },
  {
    name: 'a key given twice',
    text: lines('[', '  {"prod": "a", "pr": "b", "pk": [], "pk": ["id"]}', ']'),
    problems: [[2, 38, 'entry 1: duplicate key "pk" (give each key once)']]
  },
  {
    name: 'a prod/pr pair given twice',
    text: lines(
      '[',
      '  {"prod": "a", "pr": "b", "pk": []},',
      '  {"prod": "c", "pr": "d", "pk": []},',
      '  {"prod": "a", "pr": "b", "pk": ["id"]}',
      ']'
    ),
    problems: [[4, 3, 'entry 3: same "prod" and "pr" as entry 1']]
  },
  {
    name: 'several problems at once, all reported in document order',
    text: lines(
      '[',
      '  {"prod": "a", "pr": "b"},',
      '  {"prod": "c", "pr": "d", "pk": "id", "exclude": []},',
      '  42,',
      '  {"prod": "a", "pr": "b", "pk": null}',
      ']'
    ),
    problems: [
      [2, 3, `entry 1: "pk" is required ${PK_HINT}`],
      [
        3,
        34,
        'entry 2: "pk" must be an array of column names or null, found a string (did you mean ["id"]?)'
      ],
      [3, 40, 'entry 2: unknown key "exclude" (did you mean "exclude_columns"?)'],
      [4, 3, 'entry 3: expected an object with "prod", "pr" and "pk", found a number'],
      [5, 3, 'entry 4: same "prod" and "pr" as entry 1']
    ]
  },
  {
    name: 'a problem in a diffs file in a subdirectory',
    path: 'ci/datafold/diffs.json',
    text: lines('[', '  {"prod": "a", "pr": "b", "pk": {}}', ']'),
    problems: [[2, 34, 'entry 1: "pk" must be an array of column names or null, found an object']]
  }
];

/** Outputs of a run that failed: nothing submitted; the pull request when it was known. */
const failed = (known: Partial<Outputs> = {}) => skipped('', known);
const PR_KNOWN = { 'pr-number': String(PR.number), 'head-sha': PR.head.sha };

const error = (message: string, properties: Record<string, string> = {}): WorkflowCommand => ({
  command: 'error',
  properties,
  message
});

function expectErrors(run: Scenario, expected: WorkflowCommand[]): void {
  expect(run.result.commands.filter((c) => c.command === 'error')).toEqual(expected);
}

describe('a bad diffs file', () => {
  it.concurrent.each(diffsCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const file = c.path ?? 'diffs.json';
    const run = await scenario({ inputs: { diffs: file }, files: { [file]: c.text } });
    expectRun(run, { code: 1, outputs: failed(PR_KNOWN), datafold: [], github: [] });
    const count = c.problems.length;
    expectErrors(run, [
      ...c.problems.map(([line, column, message]) =>
        error(`${file}:${line}:${column}: ${message}`, {
          file,
          line: String(line),
          col: String(column)
        })
      ),
      error(
        `${file} has ${count === 1 ? 'a problem' : `${count} problems`}; nothing was sent to Datafold. Fix ${count === 1 ? 'it' : 'them'} and push again.`
      )
    ]);
  });
});

interface InputCase {
  name: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  files?: Record<string, string>;
  /** The step's error, as one annotation. */
  message: string | RegExp;
  /** Outputs known by the time it failed (an input error fails before anything is known). */
  known?: Partial<Outputs>;
  /** Annotations before the step's error. */
  annotations?: WorkflowCommand[];
}

const HOST_ACCEPTED =
  'use the https:// address of your Datafold deployment, e.g. https://app.datafold.com';
const invalidHost = (value: string) =>
  `Input "host": "${value}" is not valid: ${HOST_ACCEPTED} (plain http:// only for localhost; no user:password@, query or #fragment)`;
const CI_CONFIG_ACCEPTED = "use the CI config ID from Datafold's CI settings page, e.g. 123";

const inputCases: InputCase[] = [
  {
    name: 'a diffs file that does not exist',
    inputs: { diffs: 'target/diffs.json' },
    message:
      /^The diffs file "target\/diffs\.json" does not exist \(looked for \/.+\/target\/diffs\.json\)\. Generate it in an earlier step of the job, or fix the "diffs" path \(relative to the workspace\)\.$/,
    known: PR_KNOWN
  },
  {
    name: 'both "diffs" and "diffs-json"',
    inputs: { diffs: 'diffs.json', 'diffs-json': DIFFS_FILE },
    message: 'Input "diffs": set only one of "diffs" and "diffs-json", not both'
  },
  {
    name: 'neither "diffs" nor "diffs-json"',
    inputs: { diffs: '' },
    message:
      'Input "diffs": set "diffs" to the path of your diffs file (or "diffs-json" to the diffs as JSON text)'
  },
  {
    name: 'invalid inline "diffs-json"',
    inputs: { diffs: '', 'diffs-json': '{"prod": "a", "pr": "b", "pk": []}' },
    // No file to annotate: the line and column are in the inline text.
    annotations: [
      error(
        'diffs-json:1:1: the top level must be an array of diff entries, found an object (put a single entry inside [ ])',
        { line: '1', col: '1' }
      )
    ],
    message: 'diffs-json has a problem; nothing was sent to Datafold. Fix it and push again.',
    known: PR_KNOWN
  },
  {
    name: 'ci-config-id "abc"',
    inputs: { 'ci-config-id': 'abc' },
    message: `Input "ci-config-id": "abc" is not valid: ${CI_CONFIG_ACCEPTED}`
  },
  {
    name: 'ci-config-id "0"',
    inputs: { 'ci-config-id': '0' },
    message: `Input "ci-config-id": "0" is not valid: ${CI_CONFIG_ACCEPTED}`
  },
  {
    name: 'ci-config-id empty',
    inputs: { 'ci-config-id': '' },
    message: `Input "ci-config-id": "" is not valid: ${CI_CONFIG_ACCEPTED}`
  },
  {
    name: 'the API key pasted into ci-config-id (shown masked)',
    inputs: { 'ci-config-id': API_KEY },
    message: `Input "ci-config-id": "***" is not valid: ${CI_CONFIG_ACCEPTED}`
  },
  {
    name: 'pr-number "x"',
    inputs: { 'pr-number': 'x' },
    message:
      'Input "pr-number": "x" is not valid: use a pull request number such as 42, or leave it empty to infer it'
  },
  {
    name: 'on-missing-run "retry"',
    inputs: { 'on-missing-run': 'retry' },
    message: 'Input "on-missing-run": "retry" is not valid: use warn, fail or trigger'
  },
  {
    name: 'wait "yes"',
    inputs: { wait: 'yes' },
    message: 'Input "wait": "yes" is not valid: use true or false'
  },
  {
    name: 'dry-run "1"',
    inputs: { 'dry-run': '1' },
    message: 'Input "dry-run": "1" is not valid: use true or false'
  },
  {
    name: 'wait-timeout-minutes "-5"',
    inputs: { 'wait-timeout-minutes': '-5' },
    message:
      'Input "wait-timeout-minutes": "-5" is not valid: use a number of minutes greater than 0 and at most 360, in decimal digits (e.g. 30 or 1.5)'
  },
  {
    name: 'diff-threshold "0"',
    inputs: { 'diff-threshold': '0' },
    message:
      'Input "diff-threshold": "0" is not valid: use a positive whole number of diff entries, or leave it empty'
  },
  {
    name: 'a plain http:// host that is not loopback',
    inputs: { host: 'http://datafold.example.com' },
    message: invalidHost('http://datafold.example.com')
  },
  {
    name: 'an ftp:// host',
    inputs: { host: 'ftp://x' },
    message: invalidHost('ftp://x')
  },
  {
    name: 'a host with the API key in it as a password (shown masked)',
    inputs: { host: `https://user:${API_KEY}@datafold.example.com` },
    message: invalidHost('https://***@datafold.example.com')
  },
  {
    name: 'a plain http:// DATAFOLD_HOST when "host" is empty',
    inputs: { host: '' },
    env: { DATAFOLD_HOST: 'http://datafold.internal' },
    message: invalidHost('http://datafold.internal')
  },
  {
    name: 'no API key anywhere',
    inputs: { 'api-key': '' },
    message:
      'Input "api-key": no Datafold API key: set "api-key: ${{ secrets.DATAFOLD_API_KEY }}" (or the DATAFOLD_API_KEY environment variable). ' +
      'Note that GitHub does not pass secrets to workflows triggered by pull requests from forks.'
  },
  {
    name: 'ci-config-id "0x10" (decimal digits only)',
    inputs: { 'ci-config-id': '0x10' },
    message: `Input "ci-config-id": "0x10" is not valid: ${CI_CONFIG_ACCEPTED}`
  },
  {
    name: 'diff-threshold "1e2" (decimal digits only)',
    inputs: { 'diff-threshold': '1e2' },
    message:
      'Input "diff-threshold": "1e2" is not valid: use a positive whole number of diff entries, or leave it empty'
  },
  {
    name: 'wait-timeout-minutes "Infinity"',
    inputs: { 'wait-timeout-minutes': 'Infinity' },
    message:
      'Input "wait-timeout-minutes": "Infinity" is not valid: use a number of minutes greater than 0 and at most 360, in decimal digits (e.g. 30 or 1.5)'
  },
  {
    name: 'an API key with a line break inside (not shown)',
    inputs: { 'api-key': `${API_KEY}\n${API_KEY}` },
    message:
      'Input "api-key": the Datafold API key contains a line break, which an HTTP header cannot carry (the value is not shown): copy the whole key from Datafold into the secret again'
  },
  {
    name: 'a GitHub token with a control character inside (not shown)',
    inputs: { 'github-token': 'ghs_\u001btoken-with-an-escape' },
    message:
      'Input "github-token": the GitHub token contains a control character, which an HTTP header cannot carry (the value is not shown): leave "github-token" at its default (${{ github.token }}) or pass a whole token'
  },
  {
    name: 'an API key too short to be one (not shown, not masked)',
    inputs: { 'api-key': 'k3y' },
    message:
      'Input "api-key": the Datafold API key is only 3 characters long, too short to be one (the value is not shown): copy the whole key from Datafold into the secret again'
  },
  {
    name: 'several bad inputs at once, all reported',
    inputs: { 'ci-config-id': 'abc', wait: 'yes' },
    message: lines(
      '2 inputs are invalid:',
      `Input "ci-config-id": "abc" is not valid: ${CI_CONFIG_ACCEPTED}`,
      'Input "wait": "yes" is not valid: use true or false'
    )
  }
];

describe('a bad input', () => {
  it.concurrent.each(inputCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const run = await scenario({ inputs: c.inputs, env: c.env, files: c.files });
    expectRun(run, { code: 1, outputs: failed(c.known), datafold: [], github: [] });
    const errors = run.result.commands.filter((command) => command.command === 'error');
    expect(errors.slice(0, -1)).toEqual(c.annotations ?? []);
    expect(errors.at(-1)).toEqual({
      command: 'error',
      properties: {},
      message: typeof c.message === 'string' ? c.message : expect.stringMatching(c.message)
    });
  });
});

describe('what must still submit', () => {
  it.concurrent('an API key only in DATAFOLD_APIKEY (the SDK’s other name)', async () => {
    const run = await scenario({ inputs: { 'api-key': '' }, env: { DATAFOLD_APIKEY: API_KEY } });
    expectRun(run, { outputs: outputs(), datafold: ['POST /api/v1/ci/123/2'], github: [] });
    expect(run.datafold.requests[0].headers.authorization).toBe(`Key ${API_KEY}`);
  });

  it.concurrent('DATAFOLD_API_KEY before DATAFOLD_APIKEY', async () => {
    const run = await scenario({
      inputs: { 'api-key': '' },
      env: { DATAFOLD_API_KEY: API_KEY, DATAFOLD_APIKEY: 'an-older-key' }
    });
    expectRun(run, { outputs: outputs(), datafold: ['POST /api/v1/ci/123/2'], github: [] });
  });

  it.concurrent('DATAFOLD_HOST when "host" is empty (its trailing slash removed)', async () => {
    const run = await scenario({
      inputs: { host: '' },
      env: ({ datafold }) => ({ DATAFOLD_HOST: `${datafold.url}/` })
    });
    expectRun(run, { outputs: outputs(), datafold: ['POST /api/v1/ci/123/2'], github: [] });
  });

  it.concurrent('"prod" equal to "pr": a warning at the "pr" value', async () => {
    const text = lines('[', '  {"prod": "A.B.C", "pr": "A.B.C", "pk": ["id"]}', ']');
    const run = await scenario({ files: { 'diffs.json': text } });
    expectRun(run, {
      outputs: outputs({
        'diff-count': '1',
        diffs:
          '[{"prod":"A.B.C","pr":"A.B.C","pk":["id"],"include_columns":[],"exclude_columns":[]}]'
      }),
      datafold: ['POST /api/v1/ci/123/2'],
      github: []
    });
    expect(run.result.commands.filter((c) => c.command === 'warning')).toEqual([
      {
        command: 'warning',
        properties: { file: 'diffs.json', line: '2', col: '27' },
        message:
          'diffs.json:2:27: entry 1: "prod" and "pr" are the same table, the diff will find no differences'
      }
    ]);
  });

  it.concurrent(
    'an empty array: a warning, and [] sent so Datafold can close the run',
    async () => {
      const run = await scenario({ files: { 'diffs.json': lines('// nothing changed', '[ ]') } });
      expectRun(run, {
        outputs: outputs({ 'diff-count': '0', diffs: '[]' }),
        datafold: ['POST /api/v1/ci/123/2'],
        github: []
      });
      expect(run.datafold.requests[0].json).toEqual([]);
      expect(messages(run, 'warning')).toEqual([
        'diffs.json:2:1: the diffs array is empty: Datafold will be told there is nothing to diff'
      ]);
    }
  );

  it.concurrent('comments, trailing commas and a byte order mark', async () => {
    const text = lines(
      '\uFEFF// generated by the dbt job',
      '[',
      '  {"prod": "ANALYTICS.PROD.ORDERS", "pr": "ANALYTICS.PR_2.ORDERS", "pk": ["ID",]}, /* orders */',
      '  {',
      '    "prod": "ANALYTICS.PROD.CUSTOMERS",',
      '    "pr": "ANALYTICS.PR_2.CUSTOMERS",',
      '    "pk": null,',
      '    "exclude_columns": ["UPDATED_AT"], // changes on every load',
      '  },',
      ']'
    );
    const run = await scenario({ files: { 'diffs.json': text } });
    expectRun(run, { outputs: outputs(), datafold: ['POST /api/v1/ci/123/2'], github: [] });
    expect(run.datafold.requests[0].json).toEqual(SUBMITTED_DIFFS);
    expect(messages(run, 'warning')).toEqual([]);
  });
});
