/**
 * One end-to-end scenario: both stand-ins (Datafold, GitHub) started, the action launched
 * against them with the defaults most tests share, and the servers closed whatever happens.
 * The action's waits are shortened through DATAFOLD_CI_ACTION_* (a test that proves the
 * real back-off removes them with `env: { DATAFOLD_CI_ACTION_BACKOFF_BASE_MS: undefined }`).
 */
import type { ChildProcess } from 'node:child_process';
import { startDatafold, type Datafold, type DatafoldOptions } from '../../stand-ins/datafold.mjs';
import { startGitHub, type GitHub, type GitHubOptions } from '../../stand-ins/github.mjs';
import { TEST_GITHUB_TOKEN } from '../../stand-ins/runner.mjs';
import type { ScriptEntry } from '../../stand-ins/server.mjs';
import { launch, payloadFor, type LaunchResult } from './launch.js';

/** The key the Datafold stand-in accepts by default. */
export const API_KEY = 'test-api-key';

/** The `opened` pull_request example: PR #2 of Codertocat/Hello-World. */
export const PR = {
  number: 2,
  head: { sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821', ref: 'changes' },
  base: { sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e', ref: 'master' }
} as const;

/** The default diffs.json: two entries, one with every optional key left out. */
export const DIFFS_FILE = JSON.stringify(
  [
    { prod: 'ANALYTICS.PROD.ORDERS', pr: 'ANALYTICS.PR_2.ORDERS', pk: ['ID'] },
    {
      prod: 'ANALYTICS.PROD.CUSTOMERS',
      pr: 'ANALYTICS.PR_2.CUSTOMERS',
      pk: null,
      exclude_columns: ['UPDATED_AT']
    }
  ],
  null,
  2
);

/** DIFFS_FILE as the action must send it: every key, in the SDK's order, defaults filled in. */
export const SUBMITTED_DIFFS = [
  {
    prod: 'ANALYTICS.PROD.ORDERS',
    pr: 'ANALYTICS.PR_2.ORDERS',
    pk: ['ID'],
    include_columns: [],
    exclude_columns: []
  },
  {
    prod: 'ANALYTICS.PROD.CUSTOMERS',
    pr: 'ANALYTICS.PR_2.CUSTOMERS',
    pk: null,
    include_columns: [],
    exclude_columns: ['UPDATED_AT']
  }
];

/** The action's waits, shortened; a value of undefined in `env` restores the real one. */
export const FAST_ENV = {
  DATAFOLD_CI_ACTION_BACKOFF_BASE_MS: '10',
  DATAFOLD_CI_ACTION_POLL_INTERVAL_MS: '50',
  DATAFOLD_CI_ACTION_REQUEST_TIMEOUT_MS: '2000',
  DATAFOLD_CI_ACTION_RUN_APPEAR_WITHIN_MS: '1000'
};

type Env = Record<string, string | undefined>;

export interface StandIns {
  datafold: Datafold;
  github: GitHub;
}

export interface ScenarioOptions {
  eventName?: string;
  /** Default: the `opened` pull_request example (PR #2). */
  payload?: object;
  /**
   * By action.yml name; `api-key`, `host`, `ci-config-id`, `diffs` and `skip-marker` have test
   * defaults. A function gets the started stand-ins, for inputs that name their URLs.
   */
  inputs?: Record<string, string> | ((servers: StandIns) => Record<string, string>);
  /** Default: a GitHub that knows PR #2 (head/base as in the payload), checking the token. */
  github?: GitHubOptions;
  datafold?: DatafoldOptions;
  /** Workspace files; default: `diffs.json` = DIFFS_FILE. */
  files?: Record<string, string>;
  /** Applied over FAST_ENV. */
  env?: Env | ((servers: StandIns) => Env);
  /** Scripted faults, queued before the action starts. */
  faults?: { datafold?: ScriptEntry[]; github?: ScriptEntry[] };
  /** Kill the action after this long (default 25 s). */
  timeoutMs?: number;
  /** GITHUB_WORKSPACE, e.g. a git repository made for the test (default: a fresh temp dir). */
  workspace?: string;
  /** Called with the action's process once it is started, e.g. to send it a signal. */
  onStart?: (child: ChildProcess) => void;
}

export interface Scenario {
  result: LaunchResult;
  datafold: Datafold;
  github: GitHub;
  /** Wall time of the action process, ms. */
  elapsedMs: number;
}

export async function scenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const [datafold, github] = await Promise.all([
    startDatafold(options.datafold),
    startGitHub(
      options.github ?? {
        token: TEST_GITHUB_TOKEN,
        pulls: [{ ...PR, head: { ...PR.head }, base: { ...PR.base } }]
      }
    )
  ]);
  try {
    datafold.script(options.faults?.datafold ?? []);
    github.script(options.faults?.github ?? []);
    const servers = { datafold, github };
    const given = <T>(value: T | ((servers: StandIns) => T) | undefined) =>
      typeof value === 'function' ? (value as (servers: StandIns) => T)(servers) : value;
    const started = Date.now();
    const result = await launch({
      eventName: options.eventName ?? 'pull_request',
      payload: options.payload ?? payloadFor('pull_request', (p) => p.action === 'opened'),
      githubUrl: github.url,
      inputs: {
        'api-key': API_KEY,
        host: datafold.url,
        'ci-config-id': '123',
        diffs: 'diffs.json',
        'skip-marker': '',
        ...given(options.inputs)
      },
      files: options.files ?? { 'diffs.json': DIFFS_FILE },
      env: {
        ...FAST_ENV,
        ...given(options.env)
      },
      timeoutMs: options.timeoutMs ?? 25_000,
      workspace: options.workspace,
      onStart: options.onStart
    });
    return { result, datafold, github, elapsedMs: Date.now() - started };
  } finally {
    await Promise.all([datafold.close(), github.close()]);
  }
}

/** Each recorded request as one `METHOD /path?query` line, for compact comparisons. */
export function requestLines(server: {
  requests: Array<{ method: string; path: string }>;
}): string[] {
  return server.requests.map(({ method, path }) => `${method} ${path}`);
}
