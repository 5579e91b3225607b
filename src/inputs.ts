import * as core from '@actions/core';
import path from 'node:path';
import { z } from 'zod';
import { ActionError } from './errors.js';

export const DEFAULT_HOST = 'https://app.datafold.com';

const ON_MISSING_RUN = ['warn', 'fail', 'trigger'] as const;
export type OnMissingRun = (typeof ON_MISSING_RUN)[number];

function isOnMissingRun(value: string): value is OnMissingRun {
  return (ON_MISSING_RUN as readonly string[]).includes(value);
}

export type DiffsSource = { kind: 'file'; path: string; absolutePath: string } | { kind: 'inline' };

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
  'dry-run'
] as const;

type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Record<InputName, string>;

/** The values `core.getBooleanInput` accepts (YAML 1.2 core schema). */
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

function invalid(ctx: z.RefinementCtx, value: string, accepted: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: `"${value}" is not valid: ${accepted}` });
  return z.NEVER;
}

function toPositiveInteger(value: string): number | undefined {
  return /^[1-9]\d*$/.test(value) && Number.isSafeInteger(Number(value))
    ? Number(value)
    : undefined;
}

const positiveInteger = (accepted: string) =>
  z.string().transform((value, ctx) => toPositiveInteger(value) ?? invalid(ctx, value, accepted));

const optionalPositiveInteger = (accepted: string) =>
  z
    .string()
    .transform((value, ctx) =>
      value === '' ? undefined : (toPositiveInteger(value) ?? invalid(ctx, value, accepted))
    );

const boolean = (fallback: boolean) =>
  z.string().transform((value, ctx) => {
    if (value === '') return fallback;
    if (TRUE_VALUES.includes(value)) return true;
    if (FALSE_VALUES.includes(value)) return false;
    return invalid(ctx, value, 'use true or false');
  });

/** Comma- or newline-separated lists; blanks are dropped. */
const list = z.string().transform((value) =>
  value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
);

const lines = z.string().transform((value) =>
  value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
);

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

const host = z.string().transform((value, ctx) => {
  const accepted = `use the https:// address of your Datafold deployment, e.g. ${DEFAULT_HOST}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(ctx, value, accepted);
  }
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  if (!secure || url.username || url.password || url.search || url.hash) {
    return invalid(ctx, value, `${accepted} (plain http:// only for localhost)`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
});

const schema = z.object({
  'api-key': z.string(),
  host,
  'ci-config-id': positiveInteger(
    "use the CI config ID from Datafold's CI settings page, e.g. 123"
  ),
  diffs: z.string(),
  'diffs-json': z.string(),
  'pr-number': optionalPositiveInteger(
    'use a pull request number such as 42, or leave it empty to infer it'
  ),
  'github-token': z.string(),
  'skip-marker': z.string(),
  'require-label': list,
  'base-branch': list,
  'files-to-ignore': lines,
  'diff-threshold': optionalPositiveInteger(
    'use a positive whole number of diff entries, or leave it empty'
  ),
  'on-missing-run': z
    .string()
    .transform((value, ctx) =>
      value === ''
        ? 'warn'
        : isOnMissingRun(value)
          ? value
          : invalid(ctx, value, 'use warn, fail or trigger')
    ),
  wait: boolean(false),
  'wait-timeout-minutes': z.string().transform((value, ctx) => {
    const minutes = value === '' ? 60 : Number(value);
    return Number.isFinite(minutes) && minutes > 0 && minutes <= 360
      ? minutes
      : invalid(ctx, value, 'use a number of minutes greater than 0 and at most 360');
  }),
  'dry-run': boolean(false)
});

/**
 * Rules across inputs, checked on the raw values so that they are reported together with
 * every single-input problem (zod skips object refinements once a field has failed).
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
  return problems;
}

/** Reads every input the way the runner passes them, with the SDK's environment fallbacks. */
export function readRawInputs(env: NodeJS.ProcessEnv = process.env): RawInputs {
  const raw = Object.fromEntries(
    INPUT_NAMES.map((name) => [
      name,
      core.getInput(name, { trimWhitespace: name !== 'diffs-json' })
    ])
  ) as RawInputs;
  raw['api-key'] ||= env.DATAFOLD_API_KEY?.trim() || env.DATAFOLD_APIKEY?.trim() || '';
  // Masked before anything else can print it.
  if (raw['api-key'] !== '') core.setSecret(raw['api-key']);
  raw.host ||= env.DATAFOLD_HOST?.trim() || DEFAULT_HOST;
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
    diffs:
      value.diffs === ''
        ? { kind: 'inline' }
        : { kind: 'file', path: value.diffs, absolutePath: path.resolve(workspace, value.diffs) },
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
    dryRun: value['dry-run']
  };
}
