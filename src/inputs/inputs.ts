import * as core from '@actions/core';
import path from 'node:path';
// zod's functional build: every start loads it, and it is lighter than the chained API.
import * as z from 'zod/mini';
import { ActionError } from '../runtime/errors.js';
import { guardSecrets, MIN_SECRET_LENGTH } from './secrets.js';

const DEFAULT_HOST = 'https://app.datafold.com';

const ON_MISSING_RUN = ['warn', 'fail', 'trigger'] as const;
export type OnMissingRun = (typeof ON_MISSING_RUN)[number];

/** The results `fail-on` can name, in Datafold's own words. */
const FAIL_ON = ['different', 'bad-pks', 'missing-pks', 'error', 'empty'] as const;
export type FailOn = (typeof FAIL_ON)[number];

function isOnMissingRun(value: string): value is OnMissingRun {
  return (ON_MISSING_RUN as readonly string[]).includes(value);
}

/** `path` is relative to the workspace, as annotations need it, whatever form the input had. */
type DiffsSource = { kind: 'file'; path: string; absolutePath: string } | { kind: 'inline' };

function diffsFile(input: string, workspace: string): DiffsSource {
  const absolutePath = path.resolve(workspace, input);
  return { kind: 'file', path: path.relative(workspace, absolutePath), absolutePath };
}

export interface Inputs {
  apiKey: string;
  host: string;
  ciConfigId: number;
  diffs: DiffsSource;
  diffsJson: string;
  prNumber?: number;
  githubToken: string;
  skipMarker: string;
  requireLabels: string[];
  baseBranches: string[];
  filesToIgnore: string[];
  diffThreshold?: number;
  onMissingRun: OnMissingRun;
  wait: boolean;
  waitTimeoutMinutes: number;
  failOn: FailOn[];
  dryRun: boolean;
}

const INPUT_NAMES = [
  'api-key',
  'host',
  'ci-config-id',
  'diffs',
  'diffs-json',
  'pr-number',
  'github-token',
  'skip-marker',
  'require-label',
  'base-branch',
  'files-to-ignore',
  'diff-threshold',
  'on-missing-run',
  'wait',
  'wait-timeout-minutes',
  'fail-on',
  'dry-run'
] as const;

type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

/** The values `core.getBooleanInput` accepts (YAML 1.2 core schema). */
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

/** What a converter returns for a value it does not accept. */
const REFUSED = Symbol('refused');

/**
 * An input's text turned into its value by `convert`; a refused value becomes an issue
 * that names it (as `shown` prints it) and says what is accepted.
 */
function input<T>(
  convert: (value: string) => T | typeof REFUSED,
  accepted: string,
  shown: (value: string) => string = (value) => value
) {
  return z.pipe(
    z.string(),
    z.transform((value: string, ctx) => {
      const converted = convert(value);
      if (converted !== REFUSED) return converted;
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `"${shown(value)}" is not valid: ${accepted}`
      });
      return z.NEVER;
    })
  );
}

/** Decimal digits only: `Number()` would also take "0x10", "1e2" and "Infinity". */
function positiveInteger(value: string): number | typeof REFUSED {
  const number = Number(value);
  return /^\d+$/.test(value) && number > 0 && Number.isSafeInteger(number) ? number : REFUSED;
}

const optional =
  <T>(convert: (value: string) => T | typeof REFUSED) =>
  (value: string) =>
    value === '' ? undefined : convert(value);

const boolean = (fallback: boolean) =>
  input((value) => {
    if (value === '') return fallback;
    if (TRUE_VALUES.includes(value)) return true;
    return FALSE_VALUES.includes(value) ? false : REFUSED;
  }, 'use true or false');

/** Items separated by `separator`, trimmed unless `trim` is false, blanks dropped. */
const items = (separator: RegExp, trim = true) =>
  z.pipe(
    z.string(),
    z.transform((value: string) =>
      value
        .split(separator)
        .map((item) => (trim ? item.trim() : item))
        .filter((item) => item.trim() !== '')
    )
  );

/** Results that fail the step; an unknown one is named, with the accepted ones. */
const failOn = z.pipe(
  items(/[,\n]/),
  z.transform((values: string[], ctx) => {
    const unknown = values.filter((value) => !(FAIL_ON as readonly string[]).includes(value));
    if (unknown.length === 0) return [...new Set(values)] as FailOn[];
    ctx.issues.push({
      code: 'custom',
      input: values,
      message: `${unknown.map((value) => `"${value}"`).join(', ')} ${unknown.length === 1 ? 'is not a result' : 'are not results'} it can fail on: use one or more of ${FAIL_ON.join(', ')} (comma or newline separated)`
    });
    return z.NEVER;
  })
);

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function datafoldHost(value: string): string | typeof REFUSED {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return REFUSED;
  }
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  if (!secure || url.username || url.password || url.search || url.hash) return REFUSED;
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Decimal digits, with a fraction if need be (1.5); no exponent, hex or sign. */
function minutes(value: string): number | typeof REFUSED {
  if (value === '') return 60;
  const number = Number(value);
  return /^\d+(\.\d+)?$/.test(value) && number > 0 && number <= 360 ? number : REFUSED;
}

/**
 * The user information of a URL (`user:password@`), as written, or undefined. It ends at the
 * authority's last "@", as URL parsers read it: a password may hold an "@" of its own.
 */
const USER_INFO = /^((?:[^:/?#]+:)?\/\/)?([^/?#]*)@/;

/** A host as messages show it: any user information replaced, so no credential is echoed. */
const hostShown = (value: string) => value.replace(USER_INFO, '$1***@');

/** The credentials a host URL carries, decoded as they would be sent. */
function hostCredentials(value: string): string[] {
  const userInfo = USER_INFO.exec(value)?.[2];
  if (!userInfo) return [];
  const colon = userInfo.indexOf(':');
  const parts = colon < 0 ? [userInfo] : [userInfo.slice(0, colon), userInfo.slice(colon + 1)];
  return parts.map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
}

/**
 * Why a key or token cannot be used, never showing it: it is sent as an HTTP header, which
 * cannot carry control characters, and one shorter than MIN_SECRET_LENGTH is a truncated
 * paste (and too short to mask in the log).
 */
function secretProblem(value: string, what: string, fix: string): string | undefined {
  if (value === '') return undefined;
  const odd = /[^\x20-\x7e]/.exec(value)?.[0];
  if (odd !== undefined) {
    const kind = /[\r\n]/.test(odd)
      ? 'a line break'
      : odd < ' ' || odd === '\x7f'
        ? 'a control character'
        : 'a character outside ASCII';
    return `the ${what} contains ${kind}, which an HTTP header cannot carry (the value is not shown): ${fix}`;
  }
  if (value.length < MIN_SECRET_LENGTH)
    return `the ${what} is only ${value.length} characters long, too short to be one (the value is not shown): ${fix}`;
  return undefined;
}

const schema = z.object({
  'api-key': z.string(),
  host: input(
    datafoldHost,
    `use the https:// address of your Datafold deployment, e.g. ${DEFAULT_HOST} (plain http:// only for localhost; no user:password@, query or #fragment)`,
    hostShown
  ),
  'ci-config-id': input(
    positiveInteger,
    "use the CI config ID from Datafold's CI settings page, e.g. 123"
  ),
  diffs: z.string(),
  'diffs-json': z.string(),
  'pr-number': input(
    optional(positiveInteger),
    'use a pull request number such as 42, or leave it empty to infer it'
  ),
  'github-token': z.string(),
  'skip-marker': z.string(),
  'require-label': items(/[,\n]/),
  'base-branch': items(/[,\n]/),
  // Patterns as written: their own rules say what leading and trailing spaces mean.
  'files-to-ignore': items(/\r?\n/, false),
  'diff-threshold': input(
    optional(positiveInteger),
    'use a positive whole number of diff entries, or leave it empty'
  ),
  'on-missing-run': input(
    (value) => (value === '' ? 'warn' : isOnMissingRun(value) ? value : REFUSED),
    'use warn, fail or trigger'
  ),
  wait: boolean(false),
  'wait-timeout-minutes': input(
    minutes,
    'use a number of minutes greater than 0 and at most 360, in decimal digits (e.g. 30 or 1.5)'
  ),
  'fail-on': failOn,
  'dry-run': boolean(false)
});

const SECRET_INPUTS = [
  ['api-key', 'Datafold API key', 'copy the whole key from Datafold into the secret again'],
  [
    'github-token',
    'GitHub token',
    'leave "github-token" at its default (${{ github.token }}) or pass a whole token'
  ]
] as const;

/**
 * Rules across inputs, and those on secrets (which no issue may echo), checked on the raw
 * values so that they are reported together with every single-input problem (zod skips
 * object refinements once a field has failed).
 */
function combinationProblems(raw: RawInputs): string[] {
  const problems: string[] = [];
  if ((raw.diffs === '') === (raw['diffs-json'] === '')) {
    problems.push(
      raw.diffs === ''
        ? 'Input "diffs": set "diffs" to the path of your diffs file (or "diffs-json" to the diffs as JSON text)'
        : 'Input "diffs": set only one of "diffs" and "diffs-json", not both'
    );
  }
  // A dry run sends nothing to Datafold, so it needs no key.
  if (raw['api-key'] === '' && !TRUE_VALUES.includes(raw['dry-run'])) {
    problems.push(
      'Input "api-key": no Datafold API key: set "api-key: ${{ secrets.DATAFOLD_API_KEY }}" (or the DATAFOLD_API_KEY environment variable). ' +
        'Note that GitHub does not pass secrets to workflows triggered by pull requests from forks.'
    );
  }
  for (const [name, what, fix] of SECRET_INPUTS) {
    const problem = secretProblem(raw[name], what, fix);
    if (problem) problems.push(`Input "${name}": ${problem}`);
  }
  // The results exist only once the run has ended, which only `wait` sees.
  if (raw['fail-on'].trim() !== '' && !TRUE_VALUES.includes(raw.wait)) {
    problems.push(
      'Input "fail-on": results are known only once the CI run has ended: set "wait: true" too, or remove "fail-on"'
    );
  }
  return problems;
}

/** Reads every input the way the runner passes them, with the SDK's environment fallbacks. */
export function readRawInputs(env: NodeJS.ProcessEnv = process.env): RawInputs {
  const raw = Object.fromEntries(
    INPUT_NAMES.map((name) => [
      name,
      core.getInput(name, { trimWhitespace: name !== 'diffs-json' && name !== 'files-to-ignore' })
    ])
  ) as RawInputs;
  raw['api-key'] ||= env.DATAFOLD_API_KEY?.trim() || env.DATAFOLD_APIKEY?.trim() || '';
  raw.host ||= env.DATAFOLD_HOST?.trim() || DEFAULT_HOST;
  // Masked before anything else can print them.
  guardSecrets([raw['api-key'], raw['github-token'], ...hostCredentials(raw.host)]);
  return raw;
}

export function parseInputs(raw: RawInputs, workspace: string): Inputs {
  const result = schema.safeParse(raw);
  const problems = [
    ...(result.error?.issues ?? []).map(
      (issue) => `Input "${String(issue.path[0])}": ${issue.message}`
    ),
    ...combinationProblems(raw)
  ];
  if (!result.success || problems.length > 0) {
    throw new ActionError(
      problems.length === 1
        ? problems[0]
        : `${problems.length} inputs are invalid:\n${problems.join('\n')}`
    );
  }
  const value = result.data;
  return {
    apiKey: value['api-key'],
    host: value.host,
    ciConfigId: value['ci-config-id'],
    diffs: value.diffs === '' ? { kind: 'inline' } : diffsFile(value.diffs, workspace),
    diffsJson: value['diffs-json'],
    prNumber: value['pr-number'],
    githubToken: value['github-token'],
    skipMarker: value['skip-marker'],
    requireLabels: value['require-label'],
    baseBranches: value['base-branch'],
    filesToIgnore: value['files-to-ignore'],
    diffThreshold: value['diff-threshold'],
    onMissingRun: value['on-missing-run'],
    wait: value.wait,
    waitTimeoutMinutes: value['wait-timeout-minutes'],
    failOn: value['fail-on'],
    dryRun: value['dry-run']
  };
}
