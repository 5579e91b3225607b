import * as core from '@actions/core';
// zod's functional build: lighter than the chained API, and enough for these schemas.
import * as z from 'zod/mini';
import { ActionError } from '../runtime/errors.js';
import { DISCOVER_MODES, jsonParams, tableTemplate, type DiscoverMode } from './discovery.js';
import { guardSecrets, MIN_SECRET_LENGTH } from './secrets.js';
import { cutList } from '../runtime/lists.js';

export const DEFAULT_HOST = 'https://app.datafold.com';

const ON_MISSING_RUN = ['warn', 'fail', 'trigger'] as const;
export type OnMissingRun = (typeof ON_MISSING_RUN)[number];

/** The results `fail-on` can name, in Datafold's own words. */
const FAIL_ON = ['different', 'bad-pks', 'missing-pks', 'error', 'empty'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** How one input is read from the runner and what its text becomes. */
interface InputDeclaration<T> {
  /** The text (trimmed unless `trim` is false) to its value; a refused text is a zod issue. */
  schema: z.ZodMiniType<T, string>;
  /** As action.yml declares it (a test keeps both equal); used when the runner passes nothing. */
  default?: string;
  /** An empty text means the default too (for a value; an empty skip marker means none). */
  emptyIsDefault?: boolean;
  required?: boolean;
  trim?: boolean;
  /** Environment variables read when the input is empty, first set wins (the SDK's names). */
  env?: string[];
}

const declare = <T>(declaration: InputDeclaration<T>) => declaration;

/** What a converter returns for a text it does not accept. */
const REFUSED = Symbol('refused');

/**
 * An input's text turned into its value by `convert`; a refused text becomes an issue that
 * names it (as `shown` prints it) and says what is accepted.
 */
function converted<T>(
  convert: (value: string) => T | typeof REFUSED,
  accepted: string,
  shown: (value: string) => string = (value) => value
): z.ZodMiniType<T, string> {
  return z.pipe(
    z.string(),
    z.transform((value: string, ctx) => {
      const result = convert(value);
      if (result !== REFUSED) return result;
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `"${shown(value)}" is not valid: ${accepted}`
      });
      return z.NEVER;
    })
  );
}

const text = z.string();

/** Decimal digits only: `Number()` would also take "0x10", "1e2" and "Infinity". */
function positiveInteger(value: string): number | typeof REFUSED {
  const number = Number(value);
  return /^\d+$/.test(value) && number > 0 && Number.isSafeInteger(number) ? number : REFUSED;
}

const optional =
  <T>(convert: (value: string) => T | typeof REFUSED) =>
  (value: string) =>
    value === '' ? undefined : convert(value);

/** The values `core.getBooleanInput` accepts (YAML 1.2 core schema). */
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

const boolean = (fallback: 'true' | 'false') =>
  declare({
    default: fallback,
    emptyIsDefault: true,
    schema: converted((value) => {
      if (TRUE_VALUES.includes(value)) return true;
      return FALSE_VALUES.includes(value) ? false : REFUSED;
    }, 'use true or false')
  });

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
      message: `${cutList(unknown.map((value) => `"${value}"`))} ${unknown.length === 1 ? 'is not a result' : 'are not results'} it can fail on: use one or more of ${FAIL_ON.join(', ')} (comma or newline separated)`
    });
    return z.NEVER;
  })
);

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function datafoldHost(value: string): string | typeof REFUSED {
  if (value === '') return DEFAULT_HOST;
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

/**
 * Every input of action.yml, once: the typed `Inputs`, the reading and the parsing derive from
 * this declaration, in action.yml's order.
 */
const INPUTS = {
  'api-key': declare({ schema: text, env: ['DATAFOLD_API_KEY', 'DATAFOLD_APIKEY'] }),
  host: declare({
    env: ['DATAFOLD_HOST'],
    schema: converted(
      datafoldHost,
      `use the https:// address of your Datafold deployment, e.g. ${DEFAULT_HOST} (plain http:// only for localhost; no user:password@, query or #fragment)`,
      hostShown
    )
  }),
  'ci-config-id': declare({
    required: true,
    schema: converted(
      positiveInteger,
      "use the CI config ID from Datafold's CI settings page, e.g. 123"
    )
  }),
  diffs: declare({ schema: text }),
  // JSON as written: its whitespace is the user's.
  'diffs-json': declare({ schema: text, trim: false }),
  discover: declare({
    schema: converted(
      optional((value) =>
        (DISCOVER_MODES as readonly string[]).includes(value) ? (value as DiscoverMode) : REFUSED
      ),
      'use sql or sqlmesh, or leave it empty'
    )
  }),
  // Globs read as "base-branch" reads them; empty: the mode's default.
  'discover-paths': declare({ schema: items(/[,\n]/) }),
  'prod-params': declare({ schema: jsonParams }),
  'pr-params': declare({ schema: jsonParams }),
  'prod-table': declare({ schema: tableTemplate }),
  'pr-table': declare({ schema: tableTemplate }),
  'sqlmesh-environment': declare({ schema: text }),
  'pr-number': declare({
    schema: converted(
      optional(positiveInteger),
      'use a pull request number such as 42, or leave it empty to infer it'
    )
  }),
  'github-token': declare({ schema: text, default: '${{ github.token }}' }),
  'skip-marker': declare({ schema: text, default: 'datafold-skip-ci' }),
  'require-label': declare({ schema: items(/[,\n]/) }),
  'base-branch': declare({ schema: items(/[,\n]/) }),
  // Patterns as written: their own rules say what leading and trailing spaces mean.
  'files-to-ignore': declare({ schema: items(/\r?\n/, false), trim: false }),
  'diff-threshold': declare({
    schema: converted(
      optional(positiveInteger),
      'use a positive whole number of diff entries, or leave it empty'
    )
  }),
  'on-missing-run': declare({
    default: 'warn',
    emptyIsDefault: true,
    schema: converted(
      (value) =>
        (ON_MISSING_RUN as readonly string[]).includes(value) ? (value as OnMissingRun) : REFUSED,
      'use warn, fail or trigger'
    )
  }),
  wait: boolean('false'),
  'wait-timeout-minutes': declare({
    default: '60',
    emptyIsDefault: true,
    schema: converted(
      minutes,
      'use a number of minutes greater than 0 and at most 360, in decimal digits (e.g. 30 or 1.5)'
    )
  }),
  'fail-on': declare({ schema: failOn }),
  'fail-fast': boolean('false'),
  'dry-run': boolean('false')
};

type InputName = keyof typeof INPUTS;
export type RawInputs = Record<InputName, string>;

/** `kebab-case` as `camelCase`, for the typed inputs. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;
const camel = (name: string) => name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

export type Inputs = {
  [Name in InputName as Camel<Name>]: (typeof INPUTS)[Name] extends InputDeclaration<infer T>
    ? T
    : never;
};

/** Each input as action.yml should declare it: for the test that keeps both equal. */
export const INPUT_DECLARATIONS: ReadonlyArray<{
  name: string;
  required: boolean;
  default?: string;
}> = Object.entries(INPUTS).map(([name, declaration]: [string, InputDeclaration<unknown>]) => ({
  name,
  required: declaration.required ?? false,
  default: declaration.default
}));

const SECRET_INPUTS = [
  ['api-key', 'Datafold API key', 'copy the whole key from Datafold into the secret again'],
  [
    'github-token',
    'GitHub token',
    'leave "github-token" at its default (${{ github.token }}) or pass a whole token'
  ]
] as const;

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

/**
 * Rules across inputs, and those on secrets (which no issue may echo), checked on the raw
 * values so that they are reported together with every single-input problem (zod skips
 * object refinements once a field has failed).
 */
function combinationProblems(raw: RawInputs): string[] {
  const problems: string[] = [...diffsSourceProblems(raw), ...discoveryProblems(raw)];
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
  // The results are read only while the action waits for the run.
  const failOnSet = raw['fail-on'].trim() !== '';
  if (failOnSet && !TRUE_VALUES.includes(raw.wait)) {
    problems.push(
      'Input "fail-on": results are known only while the action waits for the CI run: set "wait: true" too, or remove "fail-on"'
    );
  }
  if (!failOnSet && TRUE_VALUES.includes(raw['fail-fast'])) {
    problems.push(
      'Input "fail-fast": it fails the step as soon as a finished diff trips "fail-on", and "fail-on" is not set: set "fail-on" (with "wait: true") too, or remove "fail-fast"'
    );
  }
  return problems;
}

/** Exactly one of "diffs", "diffs-json" and "discover". */
function diffsSourceProblems(raw: RawInputs): string[] {
  const given = (['diffs', 'diffs-json', 'discover'] as const).filter((name) => raw[name] !== '');
  if (given.length === 1) return [];
  if (given.length === 0)
    return [
      'Input "diffs": set "diffs" to the path of your diffs file (or "diffs-json" to the diffs as JSON text)'
    ];
  if (!given.includes('discover'))
    return ['Input "diffs": set only one of "diffs" and "diffs-json", not both'];
  return [
    `Input "discover": set only one of ${given.map((name) => `"${name}"`).join(' and ')}: "discover" finds the diffs in the changed files, "diffs" and "diffs-json" give them`
  ];
}

/** The inputs that only discovery reads, each with the modes that read it. */
const DISCOVERY_ONLY: ReadonlyArray<[InputName, readonly DiscoverMode[]]> = [
  ['discover-paths', DISCOVER_MODES],
  ['prod-params', DISCOVER_MODES],
  ['pr-params', DISCOVER_MODES],
  ['prod-table', DISCOVER_MODES],
  ['pr-table', DISCOVER_MODES],
  ['sqlmesh-environment', ['sqlmesh']]
];

function discoveryProblems(raw: RawInputs): string[] {
  const mode = raw.discover;
  const problems = DISCOVERY_ONLY.filter(
    ([name, modes]) => raw[name].trim() !== '' && !(modes as readonly string[]).includes(mode)
  ).map(([name, modes]) => {
    const now = mode === '' ? '' : ` (not "discover: ${mode}")`;
    const fix = mode === '' ? `set "discover" too, or remove "${name}"` : `remove "${name}"`;
    return `Input "${name}": it is read only with "discover: ${modes.join(' or ')}"${now}: ${fix}`;
  });
  // Without either, every PR table would be named as its production table.
  if (mode === 'sql' && raw['pr-params'].trim() === '' && raw['pr-table'].trim() === '')
    problems.push(
      'Input "pr-params": with "discover: sql", set "pr-params" (the values of the ${…} placeholders for the PR tables, e.g. {"target_schema": "pr_42"}) or "pr-table" (a template such as {schema}_pr_{pr}.{table}): without either, each PR table would be the production table'
    );
  return problems;
}

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
 * Every input as the runner passes it (`INPUT_<NAME>`), with the SDK's environment fallbacks;
 * an input the runner did not pass at all (the action started by hand) takes its declared
 * default. The secrets are masked before anything else can print them.
 */
export function readRawInputs(env: NodeJS.ProcessEnv = process.env): RawInputs {
  const raw = Object.fromEntries(
    Object.entries(INPUTS).map(([name, declaration]: [string, InputDeclaration<unknown>]) => {
      const passed = process.env[`INPUT_${name.toUpperCase()}`] !== undefined;
      const fallback = declaration.default?.includes('${{') ? '' : (declaration.default ?? '');
      const value = passed
        ? core.getInput(name, { trimWhitespace: declaration.trim ?? true })
        : fallback;
      const fromEnv = declaration.env?.map((variable) => env[variable]?.trim()).find(Boolean);
      return [name, value || fromEnv || value];
    })
  ) as RawInputs;
  guardSecrets([raw['api-key'], raw['github-token'], ...hostCredentials(raw.host)]);
  return raw;
}

/** Every input validated at once; any problem fails with one message listing them all. */
export function parseInputs(raw: RawInputs): Inputs {
  const schema = z.object(
    Object.fromEntries(Object.entries(INPUTS).map(([name, { schema }]) => [name, schema]))
  );
  const texts = Object.fromEntries(
    Object.entries(INPUTS).map(([name, declaration]: [string, InputDeclaration<unknown>]) => {
      const value = raw[name as InputName];
      return [name, value === '' && declaration.emptyIsDefault ? declaration.default : value];
    })
  );
  const result = schema.safeParse(texts);
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
  return Object.fromEntries(
    Object.entries(result.data).map(([name, value]) => [camel(name), value])
  ) as Inputs;
}
