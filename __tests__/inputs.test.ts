import { afterEach, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { ActionError } from '../src/errors.js';
import { parseInputs, readRawInputs, type RawInputs } from '../src/inputs.js';

const valid: RawInputs = {
  'api-key': 'key',
  host: 'https://app.datafold.com',
  'ci-config-id': '123',
  diffs: 'diffs.json',
  'diffs-json': '',
  'pr-number': '',
  'github-token': 'token',
  'skip-marker': 'datafold-skip-ci',
  'require-label': '',
  'base-branch': '',
  'files-to-ignore': '',
  'diff-threshold': '',
  'on-missing-run': 'warn',
  wait: 'false',
  'wait-timeout-minutes': '60',
  'fail-on': '',
  'dry-run': 'false'
};

function problem(overrides: Partial<RawInputs>): string {
  try {
    parseInputs({ ...valid, ...overrides }, '/work');
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError);
    return (error as Error).message;
  }
  throw new Error('expected the inputs to be refused');
}

describe('parseInputs', () => {
  it('parses valid inputs into typed values', () => {
    expect(
      parseInputs(
        {
          ...valid,
          host: 'https://datafold.example.com/prefix/',
          'pr-number': '42',
          'require-label': 'datafold, run-diffs\nthird',
          'base-branch': 'main,release/**',
          'files-to-ignore': 'docs/**\n\n  !docs/models.md  \n',
          'diff-threshold': '50',
          'on-missing-run': 'trigger',
          wait: 'True',
          'wait-timeout-minutes': '1.5',
          'fail-on': 'different, bad-pks\nerror,different',
          'dry-run': 'TRUE'
        },
        '/work'
      )
    ).toEqual({
      apiKey: 'key',
      host: 'https://datafold.example.com/prefix',
      ciConfigId: 123,
      diffs: { kind: 'file', path: 'diffs.json', absolutePath: '/work/diffs.json' },
      diffsJson: '',
      prNumber: 42,
      githubToken: 'token',
      skipMarker: 'datafold-skip-ci',
      requireLabels: ['datafold', 'run-diffs', 'third'],
      baseBranches: ['main', 'release/**'],
      filesToIgnore: ['docs/**', '!docs/models.md'],
      diffThreshold: 50,
      onMissingRun: 'trigger',
      wait: true,
      waitTimeoutMinutes: 1.5,
      failOn: ['different', 'bad-pks', 'error'],
      dryRun: true
    });
  });

  it('uses the defaults for inputs the runner left empty', () => {
    const inputs = parseInputs(
      { ...valid, 'on-missing-run': '', wait: '', 'wait-timeout-minutes': '', 'dry-run': '' },
      '/w'
    );
    expect([
      inputs.onMissingRun,
      inputs.wait,
      inputs.waitTimeoutMinutes,
      inputs.failOn,
      inputs.dryRun
    ]).toEqual(['warn', false, 60, [], false]);
  });

  it.each([
    ['./dbt/diffs.json', 'dbt/diffs.json'],
    ['/work/dbt/diffs.json', 'dbt/diffs.json'],
    ['../elsewhere/diffs.json', '../elsewhere/diffs.json']
  ])(
    'keeps the diffs path %s relative to the workspace, as annotations need: %s',
    (input, relative) => {
      expect(parseInputs({ ...valid, diffs: input }, '/work').diffs).toEqual({
        kind: 'file',
        path: relative,
        absolutePath: path.resolve('/work', input)
      });
    }
  );

  it('takes inline diffs-json instead of a file', () => {
    expect(parseInputs({ ...valid, diffs: '', 'diffs-json': '[]' }, '/w').diffs).toEqual({
      kind: 'inline'
    });
  });

  it.each([
    [
      { 'ci-config-id': 'abc' },
      `Input "ci-config-id": "abc" is not valid: use the CI config ID from Datafold's CI settings page, e.g. 123`
    ],
    [{ 'ci-config-id': '0' }, 'Input "ci-config-id": "0" is not valid'],
    [{ 'ci-config-id': '' }, 'Input "ci-config-id": "" is not valid'],
    [
      { 'pr-number': '-3' },
      'Input "pr-number": "-3" is not valid: use a pull request number such as 42'
    ],
    [{ 'diff-threshold': '1.5' }, 'Input "diff-threshold": "1.5" is not valid'],
    [
      { 'on-missing-run': 'retry' },
      'Input "on-missing-run": "retry" is not valid: use warn, fail or trigger'
    ],
    [{ wait: 'yes' }, 'Input "wait": "yes" is not valid: use true or false'],
    [{ 'dry-run': '1' }, 'Input "dry-run": "1" is not valid: use true or false'],
    [
      { 'wait-timeout-minutes': '0' },
      'Input "wait-timeout-minutes": "0" is not valid: use a number of minutes'
    ],
    [
      { host: 'http://datafold.example.com' },
      'Input "host": "http://datafold.example.com" is not valid: use the https:// address'
    ],
    [{ host: 'app.datafold.com' }, 'Input "host": "app.datafold.com" is not valid'],
    [
      { host: 'https://user:pw@app.datafold.com' },
      'Input "host": "https://user:pw@app.datafold.com" is not valid'
    ],
    [{ diffs: '' }, 'Input "diffs": set "diffs" to the path of your diffs file'],
    [{ 'diffs-json': '[]' }, 'Input "diffs": set only one of "diffs" and "diffs-json", not both'],
    [
      { 'api-key': '' },
      'GitHub does not pass secrets to workflows triggered by pull requests from forks'
    ],
    [
      { wait: 'true', 'fail-on': 'different,bad_pks' },
      'Input "fail-on": "bad_pks" is not a result it can fail on: use one or more of different, bad-pks, missing-pks, error, empty (comma or newline separated)'
    ],
    [
      { wait: 'true', 'fail-on': 'identical\nDifferent' },
      'Input "fail-on": "identical", "Different" are not results it can fail on'
    ],
    [
      { 'fail-on': 'different' },
      'Input "fail-on": results are known only once the CI run has ended: set "wait: true" too, or remove "fail-on"'
    ]
  ])('refuses %j, naming the input, the value and what is accepted', (overrides, message) => {
    expect(problem(overrides)).toContain(message);
  });

  it.each(['http://localhost:8080', 'http://127.0.0.1:9/x', 'http://[::1]:3000'])(
    'accepts plain http on loopback: %s',
    (host) => {
      expect(parseInputs({ ...valid, host }, '/w').host).toBe(host.replace(/\/$/, ''));
    }
  );

  it('lets a dry run go without an API key', () => {
    expect(parseInputs({ ...valid, 'api-key': '', 'dry-run': 'true' }, '/w').apiKey).toBe('');
  });

  it('reports every invalid input at once, combinations included', () => {
    const message = problem({
      'ci-config-id': 'x',
      wait: 'maybe',
      'on-missing-run': 'nope',
      diffs: '',
      'api-key': ''
    });
    expect(message.split('\n')).toEqual([
      '5 inputs are invalid:',
      `Input "ci-config-id": "x" is not valid: use the CI config ID from Datafold's CI settings page, e.g. 123`,
      'Input "on-missing-run": "nope" is not valid: use warn, fail or trigger',
      'Input "wait": "maybe" is not valid: use true or false',
      'Input "diffs": set "diffs" to the path of your diffs file (or "diffs-json" to the diffs as JSON text)',
      expect.stringContaining('Input "api-key": no Datafold API key') as unknown as string
    ]);
  });
});

describe('readRawInputs', () => {
  const saved = { ...process.env };
  // Reading the key guards it on both streams: undo that, or it redacts this runner's output.
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  afterEach(() => {
    process.env = { ...saved };
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  });

  it('falls back to the SDK environment variables for the key and host, and masks the key', () => {
    const writes: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) =>
      writes.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      const raw = readRawInputs({
        DATAFOLD_APIKEY: 'from-env',
        DATAFOLD_HOST: 'https://dedicated.example.com'
      });
      expect(raw['api-key']).toBe('from-env');
      expect(raw.host).toBe('https://dedicated.example.com');
    } finally {
      process.stdout.write = write;
    }
    expect(writes.join('')).toContain('::add-mask::from-env');
  });

  it('prefers the input, then DATAFOLD_API_KEY, then DATAFOLD_APIKEY; default host', () => {
    process.env['INPUT_API-KEY'] = '';
    expect(readRawInputs({ DATAFOLD_API_KEY: 'a', DATAFOLD_APIKEY: 'b' })['api-key']).toBe('a');
    expect(readRawInputs({}).host).toBe('https://app.datafold.com');
    process.env['INPUT_API-KEY'] = 'input-key';
    process.env.INPUT_HOST = 'https://input.example.com';
    const raw = readRawInputs({ DATAFOLD_API_KEY: 'a', DATAFOLD_HOST: 'https://env.example.com' });
    expect([raw['api-key'], raw.host]).toEqual(['input-key', 'https://input.example.com']);
  });

  it('keeps the whitespace of diffs-json', () => {
    process.env['INPUT_DIFFS-JSON'] = '  [ ]\n';
    expect(readRawInputs({})['diffs-json']).toBe('  [ ]\n');
  });
});
