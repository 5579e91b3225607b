import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { captureStdout } from '../__fixtures__/output.js';
import { ActionError } from '../src/runtime/errors.js';
import {
  INPUT_DECLARATIONS,
  parseInputs,
  readRawInputs,
  type RawInputs
} from '../src/inputs/inputs.js';
import { redact, releaseSecrets } from '../src/inputs/secrets.js';
import { valid } from '../__fixtures__/raw-inputs.js';

function problem(overrides: Partial<RawInputs>): string {
  try {
    parseInputs({ ...valid, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError);
    return (error as Error).message;
  }
  throw new Error('expected the inputs to be refused');
}

describe('parseInputs', () => {
  it('parses valid inputs into typed values', () => {
    expect(
      parseInputs({
        ...valid,
        host: 'https://datafold.example.com/prefix/',
        'pr-number': '42',
        'require-label': 'datafold, run-diffs\nthird',
        'base-branch': 'main,release/**',
        'files-to-ignore': 'docs/**\n\n!docs/models.md  \n  \n',
        'diff-threshold': '50',
        'on-missing-run': 'trigger',
        wait: 'True',
        'wait-timeout-minutes': '1.5',
        'fail-on': 'different, bad-pks\nerror,different',
        'fail-fast': 'true',
        'dry-run': 'TRUE'
      })
    ).toEqual({
      apiKey: 'datafold-key',
      host: 'https://datafold.example.com/prefix',
      ciConfigId: 123,
      diffs: 'diffs.json',
      diffsJson: '',
      discover: undefined,
      discoverPaths: [],
      prodParams: new Map(),
      prParams: new Map(),
      prodTable: undefined,
      prTable: undefined,
      sqlmeshEnvironment: '',
      prNumber: 42,
      githubToken: 'ghs_token',
      skipMarker: 'datafold-skip-ci',
      requireLabel: ['datafold', 'run-diffs', 'third'],
      baseBranch: ['main', 'release/**'],
      filesToIgnore: ['docs/**', '!docs/models.md  '],
      diffThreshold: 50,
      onMissingRun: 'trigger',
      wait: true,
      waitTimeoutMinutes: 1.5,
      failOn: ['different', 'bad-pks', 'error'],
      failFast: true,
      dryRun: true
    });
  });

  it('uses the defaults for inputs the runner left empty', () => {
    const inputs = parseInputs({
      ...valid,
      'on-missing-run': '',
      wait: '',
      'wait-timeout-minutes': '',
      'fail-fast': '',
      'dry-run': ''
    });
    expect([
      inputs.onMissingRun,
      inputs.wait,
      inputs.waitTimeoutMinutes,
      inputs.failOn,
      inputs.failFast,
      inputs.dryRun
    ]).toEqual(['warn', false, 60, [], false, false]);
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
    // The credential is never echoed, even when too short to be masked.
    [
      { host: 'https://user:pw@app.datafold.com' },
      'Input "host": "https://***@app.datafold.com" is not valid: use the https:// address of your Datafold deployment, e.g. https://app.datafold.com (plain http:// only for localhost; no user:password@, query or #fragment)'
    ],
    [{ host: 'user:pw@app.datafold.com' }, 'Input "host": "***@app.datafold.com" is not valid'],
    // A password with an "@" of its own: the credentials end at the last one.
    [
      { host: 'https://user:p@ss@app.datafold.com/x' },
      'Input "host": "https://***@app.datafold.com/x" is not valid'
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
      'Input "fail-on": results are known only while the action waits for the CI run: set "wait: true" too, or remove "fail-on"'
    ],
    [
      { wait: 'true', 'fail-fast': 'true' },
      'Input "fail-fast": it fails the step as soon as a finished diff trips "fail-on", and "fail-on" is not set: set "fail-on" (with "wait: true") too, or remove "fail-fast"'
    ],
    [
      { wait: 'true', 'fail-on': 'error', 'fail-fast': 'yes' },
      'Input "fail-fast": "yes" is not valid: use true or false'
    ]
  ])('refuses %j, naming the input, the value and what is accepted', (overrides, message) => {
    expect(problem(overrides)).toContain(message);
  });

  const DIGITS_ONLY = {
    'ci-config-id': "use the CI config ID from Datafold's CI settings page, e.g. 123",
    'pr-number': 'use a pull request number such as 42, or leave it empty to infer it',
    'diff-threshold': 'use a positive whole number of diff entries, or leave it empty',
    'wait-timeout-minutes':
      'use a number of minutes greater than 0 and at most 360, in decimal digits (e.g. 30 or 1.5)'
  };
  it.each(
    Object.keys(DIGITS_ONLY).flatMap((name) =>
      ['0x10', '1e2', 'Infinity', '+5', ' 5', '5 ', '1_000', '٥', '.5', '5.'].map(
        (value) => [name, value] as const
      )
    )
  )('refuses %s %j: numbers are decimal digits only', (name, value) => {
    expect(problem({ [name]: value })).toBe(
      `Input "${name}": "${value}" is not valid: ${DIGITS_ONLY[name as keyof typeof DIGITS_ONLY]}`
    );
  });

  it.each([
    ['ci-config-id', '007', 7],
    ['diff-threshold', '9007199254740991', Number.MAX_SAFE_INTEGER],
    ['wait-timeout-minutes', '0.5', 0.5],
    ['wait-timeout-minutes', '360', 360]
  ] as const)('accepts %s %j as %d', (name, value, number) => {
    const inputs = parseInputs({ ...valid, [name]: value });
    const key = { 'ci-config-id': 'ciConfigId', 'diff-threshold': 'diffThreshold' }[name as string];
    expect(key ? inputs[key as 'ciConfigId'] : inputs.waitTimeoutMinutes).toBe(number);
  });

  it.each([
    ['9007199254740992', 'ci-config-id'],
    ['360.5', 'wait-timeout-minutes']
  ])('refuses %s for %s: out of range', (value, name) => {
    expect(problem({ [name]: value })).toContain(`Input "${name}": "${value}" is not valid`);
  });

  // A secret may be pasted with a line break; an HTTP header cannot carry one.
  it.each([
    ['a line break', 'datafold-key\nsecond-line'],
    ['a line break', 'datafold-key\r'],
    ['a control character', 'datafold\u0007key'],
    ['a control character', 'datafold\u007fkey'],
    ['a character outside ASCII', 'datafold-kéy']
  ])('refuses a key or token with %s, without showing it', (kind, value) => {
    for (const [name, what] of [
      ['api-key', 'Datafold API key'],
      ['github-token', 'GitHub token']
    ]) {
      const message = problem({ [name]: value });
      expect(message).toMatch(
        new RegExp(
          `^Input "${name}": the ${what} contains ${kind}, which an HTTP header cannot carry \\(the value is not shown\\): `
        )
      );
      expect(message).not.toContain('datafold');
    }
  });

  it('refuses a key or token too short to be one (and to be masked)', () => {
    expect(problem({ 'api-key': 'abc' })).toBe(
      'Input "api-key": the Datafold API key is only 3 characters long, too short to be one (the value is not shown): copy the whole key from Datafold into the secret again'
    );
    expect(problem({ 'github-token': 'x' })).toBe(
      'Input "github-token": the GitHub token is only 1 characters long, too short to be one (the value is not shown): leave "github-token" at its default (${{ github.token }}) or pass a whole token'
    );
  });

  it('accepts a key with quotes, backslashes, markup, plus signs and spaces', () => {
    const apiKey = 'k"e\\y <&> + ; it';
    expect(parseInputs({ ...valid, 'api-key': apiKey }).apiKey).toBe(apiKey);
  });

  it.each(['http://localhost:8080', 'http://127.0.0.1:9/x', 'http://[::1]:3000'])(
    'accepts plain http on loopback: %s',
    (host) => {
      expect(parseInputs({ ...valid, host }).host).toBe(host.replace(/\/$/, ''));
    }
  );

  it('lets a dry run go without an API key', () => {
    expect(parseInputs({ ...valid, 'api-key': '', 'dry-run': 'true' }).apiKey).toBe('');
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

describe('parseInputs: discovery', () => {
  const discovery = { diffs: '', discover: 'sql', 'pr-params': '{"suffix": "pr_7"}' };

  it('reads the mode, the paths, the params and the templates', () => {
    const inputs = parseInputs({
      ...valid,
      ...discovery,
      'discover-paths': 'models/**/*.sql, macros/*.sql\nsql/**',
      'prod-params': '{"suffix": "prod", "db": "ANALYTICS"}',
      'prod-table': '{name}',
      'pr-table': '{catalog}.{schema}_pr_{pr}.{table}'
    });
    expect(inputs).toEqual(
      expect.objectContaining({
        discover: 'sql',
        discoverPaths: ['models/**/*.sql', 'macros/*.sql', 'sql/**'],
        prodParams: new Map([
          ['suffix', 'prod'],
          ['db', 'ANALYTICS']
        ]),
        prParams: new Map([['suffix', 'pr_7']]),
        prodTable: { text: '{name}', pieces: [{ placeholder: 'name' }] },
        prTable: {
          text: '{catalog}.{schema}_pr_{pr}.{table}',
          pieces: [
            { placeholder: 'catalog' },
            '.',
            { placeholder: 'schema' },
            '_pr_',
            { placeholder: 'pr' },
            '.',
            { placeholder: 'table' }
          ]
        }
      })
    );
  });

  it('keeps a params key such as "constructor" to itself', () => {
    const { prParams } = parseInputs({ ...valid, ...discovery, 'pr-params': '{}' });
    expect(prParams.get('constructor')).toBeUndefined();
  });

  it('takes a template alone for the PR table, and SQLMesh needs neither', () => {
    expect(() =>
      parseInputs({ ...valid, ...discovery, 'pr-params': '', 'pr-table': 'pr.{table}' })
    ).not.toThrow();
    expect(() =>
      parseInputs({ ...valid, diffs: '', discover: 'sqlmesh', 'sqlmesh-environment': 'dev' })
    ).not.toThrow();
  });

  it.each([
    [
      { discover: 'dbt' },
      'Input "discover": "dbt" is not valid: use sql or sqlmesh, or leave it empty'
    ],
    [
      { diffs: 'diffs.json' },
      'Input "discover": set only one of "diffs" and "discover": "discover" finds the diffs in the changed files, "diffs" and "diffs-json" give them'
    ],
    [
      { 'diffs-json': '[]' },
      'Input "discover": set only one of "diffs-json" and "discover": "discover" finds the diffs in the changed files'
    ],
    [
      { 'pr-params': '' },
      'Input "pr-params": with "discover: sql", set "pr-params" (the values of the ${…} placeholders for the PR tables, e.g. {"target_schema": "pr_42"}) or "pr-table" (a template such as {schema}_pr_{pr}.{table}): without either, each PR table would be the production table'
    ],
    [
      { 'pr-params': '{"suffix": 42, "ok": "x", "n": null}' },
      'Input "pr-params": the value of "suffix" is 42, not a string; the value of "n" is null, not a string: use a JSON object of strings, e.g. {"target_schema": "pr_42"}'
    ],
    [
      { 'prod-params': '["a"]' },
      'Input "prod-params": "["a"]" is not valid: use a JSON object of strings'
    ],
    [{ 'prod-params': '{suffix: 1}' }, 'Input "prod-params": "{suffix: 1}" is not valid'],
    [
      { 'pr-table': '{db}.{schema}.{tabel}' },
      'Input "pr-table": "{db}.{schema}.{tabel}" is not valid: {db}, {tabel} are not placeholders; use {name}, {catalog}, {schema}, {table}, {pr}'
    ],
    [
      { 'prod-table': 'analytics.{schema}' },
      'Input "prod-table": "analytics.{schema}" is not valid: it does not name the table; use {name} or {table} in it, e.g. {schema}_pr_{pr}.{table}'
    ],
    [
      { 'sqlmesh-environment': 'dev' },
      'Input "sqlmesh-environment": it is read only with "discover: sqlmesh" (not "discover: sql"): remove "sqlmesh-environment"'
    ]
  ])('refuses %j', (overrides, message) => {
    expect(problem({ ...discovery, ...overrides })).toContain(message);
  });

  it('refuses the discovery inputs without "discover"', () => {
    expect(
      problem({
        'discover-paths': 'models/**',
        'pr-params': '{}',
        'sqlmesh-environment': 'dev'
      }).split('\n')
    ).toEqual([
      '3 inputs are invalid:',
      'Input "discover-paths": it is read only with "discover: sql or sqlmesh": set "discover" too, or remove "discover-paths"',
      'Input "pr-params": it is read only with "discover: sql or sqlmesh": set "discover" too, or remove "pr-params"',
      'Input "sqlmesh-environment": it is read only with "discover: sqlmesh": set "discover" too, or remove "sqlmesh-environment"'
    ]);
  });
});

describe('readRawInputs', () => {
  const saved = { ...process.env };
  // Reading the secrets guards them on both streams: undo that, or it redacts this runner's output.
  afterEach(() => {
    process.env = { ...saved };
    releaseSecrets();
  });

  /** The raw inputs, and the values masked (`::add-mask::`) while reading them. */
  function read(env: NodeJS.ProcessEnv): { raw: RawInputs; masked: string[] } {
    let raw: RawInputs | undefined;
    const stdout = captureStdout(() => (raw = readRawInputs(env)));
    const masked = [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((match) => match[1]);
    return { raw: raw as RawInputs, masked };
  }

  it('falls back to the SDK environment variables for the key and host, and masks the key', () => {
    const { raw, masked } = read({
      DATAFOLD_APIKEY: 'from-the-env',
      DATAFOLD_HOST: 'https://dedicated.example.com'
    });
    expect([raw['api-key'], raw.host]).toEqual(['from-the-env', 'https://dedicated.example.com']);
    expect(masked).toEqual(['from-the-env']);
  });

  it('prefers the input, then DATAFOLD_API_KEY, then DATAFOLD_APIKEY; default host', () => {
    process.env['INPUT_API-KEY'] = '';
    expect(read({ DATAFOLD_API_KEY: 'a', DATAFOLD_APIKEY: 'b' }).raw['api-key']).toBe('a');
    expect(parseInputs({ ...valid, host: read({}).raw.host }).host).toBe(
      'https://app.datafold.com'
    );
    process.env['INPUT_API-KEY'] = 'input-key';
    process.env.INPUT_HOST = 'https://input.example.com';
    const { raw } = read({ DATAFOLD_API_KEY: 'a', DATAFOLD_HOST: 'https://env.example.com' });
    expect([raw['api-key'], raw.host]).toEqual(['input-key', 'https://input.example.com']);
  });

  it('masks the API key, the GitHub token and the credentials in the host at once', () => {
    process.env['INPUT_API-KEY'] = 'the-datafold-key';
    process.env['INPUT_GITHUB-TOKEN'] = 'ghs_theGitHubToken';
    process.env.INPUT_HOST = 'https://proxy-user:p%40ssw0rd-long@datafold.example.com';
    const { masked } = read({});
    expect(masked).toEqual([
      'the-datafold-key',
      'ghs_theGitHubToken',
      'proxy-user',
      'p@ssw0rd-long'
    ]);
    expect(redact('Key the-datafold-key, token ghs_theGitHubToken, p%40ssw0rd-long')).toBe(
      'Key ***, token ***, ***'
    );
  });

  it('masks a password that holds a raw "@" whole', () => {
    process.env.INPUT_HOST = 'https://proxy-user:p@ssw0rd-long@datafold.example.com';
    expect(read({}).masked).toEqual(['proxy-user', 'p@ssw0rd-long']);
  });

  it('masks no value too short to mask without wrecking the log', () => {
    process.env['INPUT_API-KEY'] = 'a';
    process.env.INPUT_HOST = 'https://u:pw@datafold.example.com';
    expect(read({}).masked).toEqual([]);
    expect(redact('a u pw')).toBe('a u pw');
  });

  it('keeps the whitespace of diffs-json', () => {
    process.env['INPUT_DIFFS-JSON'] = '  [ ]\n';
    expect(read({}).raw['diffs-json']).toBe('  [ ]\n');
  });
});

describe('the declaration of the inputs', () => {
  const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
    inputs: Record<string, { required?: boolean; default?: string }>;
  };

  it("names every input of action.yml, in its order, with action.yml's defaults and required flags", () => {
    expect(INPUT_DECLARATIONS).toEqual(
      Object.entries(action.inputs).map(([name, input]) => ({
        name,
        required: input.required ?? false,
        default: input.default
      }))
    );
  });

  it('gives an input the runner did not pass its declared default, and reads one it passed', () => {
    const saved = { ...process.env };
    try {
      for (const name of Object.keys(process.env))
        if (name.startsWith('INPUT_')) delete process.env[name];
      process.env['INPUT_WAIT-TIMEOUT-MINUTES'] = '5';
      const raw = readRawInputs({});
      expect([raw['skip-marker'], raw['on-missing-run'], raw['wait-timeout-minutes']]).toEqual([
        'datafold-skip-ci',
        'warn',
        '5'
      ]);
      // An expression has no value outside a runner.
      expect(raw['github-token']).toBe('');
    } finally {
      process.env = saved;
      releaseSecrets();
    }
  });

  it('keeps an empty skip marker empty: it disables the marker, it is not the default', () => {
    expect(parseInputs({ ...valid, 'skip-marker': '' }).skipMarker).toBe('');
  });
});
