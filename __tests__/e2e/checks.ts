/**
 * What events.test.ts, rules.test.ts and bad-input.test.ts share on top of scenario.ts: a
 * pull request the GitHub stand-in knows, a real git checkout, and the checks every scenario
 * makes (exit code, all the outputs, the exact requests each stand-in saw, no key leak).
 */
import { expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GitHubOptions } from '../../stand-ins/github.mjs';
import { TEST_GITHUB_TOKEN } from '../../stand-ins/runner.mjs';
import { expectNoSecret } from './launch.js';
import { commandMessages, outputs, type Outputs } from './run-checks.js';
import { API_KEY, requestLines, type Scenario } from './scenario.js';

/** The pull request most scenarios use: not the examples' #2, so nothing passes by accident. */
export const NUMBER = 42;
export const HEAD_SHA = '4f1c9d2a7b3e5f60718293a4b5c6d7e8f9012345';
export const BASE_SHA = '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c';

type PullSpec = NonNullable<GitHubOptions['pulls']>[number];

/** PR #42 (open, head feature/orders at HEAD_SHA, base main), with `overrides`. */
export function pull(overrides: Partial<PullSpec> = {}): PullSpec {
  return {
    number: NUMBER,
    head: { sha: HEAD_SHA, ref: 'feature/orders' },
    base: { sha: BASE_SHA, ref: 'main' },
    ...overrides
  };
}

/** A GitHub stand-in that knows `pulls` and checks the runner's token. */
export function gitHub(
  pulls: PullSpec[] = [pull()],
  commits?: Record<string, string>
): GitHubOptions {
  return { token: TEST_GITHUB_TOKEN, pulls, commits };
}

/**
 * A pull_request-shaped event example with its pull request moved to `spec`: number, head,
 * base and `changed_files` as the GitHub stand-in serves them (labels are left as they are).
 */
export function withPull<T extends { pull_request: object }>(payload: T, spec = pull()): T {
  const pr = payload.pull_request as {
    number: number;
    head: { sha: string; ref: string };
    base: { sha: string; ref: string };
    changed_files?: number;
  };
  pr.number = spec.number;
  Object.assign(pr.head, spec.head);
  Object.assign(pr.base, spec.base);
  if ('changed_files' in pr) pr.changed_files = spec.changedFiles ?? spec.files?.length ?? 0;
  if ('number' in payload) Object.assign(payload, { number: spec.number });
  return payload;
}

export type { Outputs };

/** The outputs of a submission Datafold accepted (its first CI run), for PR #42 by default. */
export function submitted(overrides: Partial<Outputs> = {}): Outputs {
  return outputs(overrides, { number: NUMBER, headSha: HEAD_SHA });
}

/** The outputs of a skip: nothing submitted, only what was known by then. */
export function skipped(reason: string, overrides: Partial<Outputs> = {}): Outputs {
  return {
    'pr-number': '',
    'head-sha': '',
    submitted: 'false',
    'skipped-reason': reason,
    'diff-count': '',
    diffs: '',
    'ci-run-id': '',
    'run-id': '',
    'run-status': '',
    results: '',
    'result-counts': '',
    ...overrides
  };
}

export interface Expected {
  code?: number;
  outputs: Outputs;
  /** Datafold requests as `METHOD /path`, in order. */
  datafold: string[];
  /** GitHub requests as `METHOD /path?query`, in any order (independent ones run concurrently). */
  github: string[];
}

/** The checks every scenario makes. */
export function expectRun({ result, datafold, github }: Scenario, expected: Expected): void {
  const code = expected.code ?? 0;
  // The log comes with a wrong exit code, so a failure says why.
  expect([result.code, result.code === code ? '' : result.stdout + result.stderr]).toEqual([
    code,
    ''
  ]);
  expect(result.outputs).toEqual(expected.outputs);
  expect(requestLines(datafold)).toEqual(expected.datafold);
  expect(requestLines(github).sort()).toEqual([...expected.github].sort());
  expectNoSecret(result, API_KEY);
}

/** The messages of one kind of workflow command (`error`, `warning`, `notice`, …). */
export const messages = ({ result }: Scenario, command: string): string[] =>
  commandMessages(result, command);

export const submit = (number = NUMBER) => `POST /api/v1/ci/123/${number}`;
export const getPull = (number = NUMBER) => `GET /repos/owner/repo/pulls/${number}`;
export const getCommit = (sha = HEAD_SHA) => `GET /repos/owner/repo/commits/${sha}`;
export const pullsOfCommit = (sha: string) =>
  `GET /repos/owner/repo/commits/${sha}/pulls?per_page=100`;
export const filesPage = (page: number, number = NUMBER) =>
  `GET /repos/owner/repo/pulls/${number}/files?per_page=100${page > 1 ? `&page=${page}` : ''}`;

const run = promisify(execFile);

/** Runs git in `dir` as a test user, without signing; resolves to its trimmed output. */
const gitIn =
  (dir: string) =>
  async (...args: string[]): Promise<string> =>
    (
      await run(
        'git',
        [
          '-c',
          'user.name=Test',
          '-c',
          'user.email=test@example.com',
          '-c',
          'commit.gpgsign=false',
          ...args
        ],
        { cwd: dir }
      )
    ).stdout.trim();

/**
 * A real git repository with one commit of `message`, for the action to read the head
 * commit's message from the local checkout. `shallow` makes it what actions/checkout leaves:
 * a depth-1 fetch, whose objects arrive in a pack. Remove it with `rm()`.
 */
export async function gitCheckout(
  message: string,
  { shallow = false } = {}
): Promise<{ dir: string; sha: string; rm: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'datafold-checkout-'));
  const git = gitIn(dir);
  await git('init', '--quiet');
  await mkdir(path.join(dir, 'models'));
  await writeFile(path.join(dir, 'models', 'orders.sql'), 'select 1 as order_id\n');
  await git('add', '.');
  await git('commit', '--quiet', '-m', message);
  const sha = await git('rev-parse', 'HEAD');
  if (!shallow) return { dir, sha, rm: () => rm(dir, { recursive: true, force: true }) };
  const clone = `${dir}-shallow`;
  await git('clone', '--quiet', '--depth', '1', `file://${dir}`, clone);
  return {
    dir: clone,
    sha,
    rm: async () => {
      await Promise.all([dir, clone].map((d) => rm(d, { recursive: true, force: true })));
    }
  };
}

/**
 * A git repository holding `files` (text or bytes, by relative path) and `links` (symbolic
 * links, by relative path, to their targets) in one commit: the pull request's checkout.
 * Remove it with `rm()`.
 */
export async function gitWorkspace(
  files: Record<string, string | Buffer>,
  links: Record<string, string> = {}
): Promise<{ dir: string; rm: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'datafold-workspace-'));
  const place = async (name: string) => {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    return path.join(dir, name);
  };
  for (const [name, content] of Object.entries(files)) await writeFile(await place(name), content);
  for (const [name, target] of Object.entries(links)) await symlink(target, await place(name));
  const git = gitIn(dir);
  await git('init', '--quiet');
  await git('add', '.');
  await git('commit', '--quiet', '--allow-empty', '-m', 'Change the models');
  return { dir, rm: () => rm(dir, { recursive: true, force: true }) };
}
