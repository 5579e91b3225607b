/**
 * Assertions the Datafold protocol and fault scenarios share: the outputs, what a
 * stand-in received, a clean failure (one error, no stack trace, no key), request timing.
 */
import { expect } from '@jest/globals';
import type { RecordedRequest, ScriptEntry } from '../../stand-ins/server.mjs';
import { expectNoSecret, type LaunchResult } from './launch.js';
import { API_KEY, PR, SUBMITTED_DIFFS } from './scenario.js';

export type Outputs = Record<
  | 'pr-number'
  | 'head-sha'
  | 'submitted'
  | 'skipped-reason'
  | 'diff-count'
  | 'diffs'
  | 'ci-run-id'
  | 'run-id'
  | 'run-status'
  | 'results'
  | 'result-counts',
  string
>;

/**
 * The outputs of a plain successful submission (Datafold's first CI run) of `pr`,
 * PR #2 of the scenarios by default, with `overrides`.
 */
export function outputs(
  overrides: Partial<Outputs> = {},
  pr: { number: number; headSha: string } = { number: PR.number, headSha: PR.head.sha }
): Outputs {
  return {
    'pr-number': String(pr.number),
    'head-sha': pr.headSha,
    submitted: 'true',
    'skipped-reason': '',
    'diff-count': '2',
    diffs: JSON.stringify(SUBMITTED_DIFFS),
    'ci-run-id': '1001',
    'run-id': '5001',
    'run-status': '',
    results: '',
    'result-counts': '',
    ...overrides
  };
}

/** The outputs of a run that got as far as Datafold and failed there. */
export const FAILED_AT_DATAFOLD = outputs({ submitted: 'false', 'ci-run-id': '', 'run-id': '' });

export interface Sent {
  method: string;
  path: string;
  body: unknown;
}

/** What a stand-in received: method, path and parsed JSON body of each request, in order. */
export function sent(server: { requests: RecordedRequest[] }): Sent[] {
  return server.requests.map(({ method, path, json }) => ({ method, path, body: json }));
}

/** The submission of the default diffs for PR #2 to CI config 123. */
export const SUBMIT: Sent = { method: 'POST', path: '/api/v1/ci/123/2', body: SUBMITTED_DIFFS };

/** The trigger `on-missing-run: trigger` sends for PR #2, from its event facts. */
export const TRIGGER: Sent = {
  method: 'POST',
  path: '/api/v1/ci/123/trigger',
  body: {
    pr_number: PR.number,
    base_branch: PR.base.ref,
    base_sha: PR.base.sha,
    pr_sha: PR.head.sha,
    pr_branch: PR.head.ref
  }
};

/** The runs request `wait` and the lost-answer check make for a head commit. */
export function runsOf(sha: string = PR.head.sha): Sent {
  return { method: 'GET', path: `/api/v1/ci/123/runs?pr_sha=${sha}&limit=1`, body: undefined };
}

/** A page of a CI run's data diffs, as the action lists them at each poll of `wait`. */
export function dataDiffsOf(ciRunId = 1001, page = 1): Sent {
  const query = `ci_run_id=${ciRunId}&order_by=ci_run_id&sort_order=desc&page_size=100`;
  return {
    method: 'GET',
    path: `/api/v1/datadiffs?${query}${page > 1 ? `&page=${page}` : ''}`,
    body: undefined
  };
}

/** One poll of `wait`: the runs request and the first page of the run's data diffs, together. */
export function pollOf(ciRunId = 1001, sha: string = PR.head.sha): Sent[] {
  return [runsOf(sha), dataDiffsOf(ciRunId)];
}

/** A data diff's summary, read for the results. */
export function summaryOf(diffId: number): Sent {
  return { method: 'GET', path: `/api/v1/datadiffs/${diffId}/summary_results`, body: undefined };
}

/** What reading the results of a waited-for run of the default diffs asks Datafold. */
export const RESULTS_READ: Sent[] = [dataDiffsOf(1001), summaryOf(70001), summaryOf(70002)];

/** The outputs of a waited-for run of the default diffs that ended done, both identical. */
export const WAITED_DONE: Partial<Outputs> = {
  'run-status': 'done',
  results: expect.stringContaining('"result":"identical"') as unknown as string,
  'result-counts': '{"identical":2}'
};

const isPollOfRuns = (request: Sent, before: Sent | undefined) =>
  request.method === 'GET' && request.path.includes('/runs?') && before?.method !== 'POST';
const isFirstPage = (request: Sent) =>
  request.path.startsWith('/api/v1/datadiffs?') && !request.path.includes('&page=');

/**
 * What a stand-in received, in the order the action asks: each poll's runs request and first
 * page of data diffs (sent together, so they may arrive either way round) runs first, and the
 * summaries (read concurrently) in id order. A runs request right after a POST is the check of a
 * lost answer, not a poll.
 */
export function sentInOrder(server: { requests: RecordedRequest[] }): Sent[] {
  const requests = sent(server);
  for (let i = 0; i + 1 < requests.length; i++) {
    const [first, second] = [requests[i], requests[i + 1]];
    const runsFirst = isPollOfRuns(first, requests[i - 1]) && isFirstPage(second);
    const listFirst = isFirstPage(first) && isPollOfRuns(second, first);
    if (listFirst) [requests[i], requests[i + 1]] = [second, first];
    if (runsFirst || listFirst) i++;
  }
  const summaries = requests.filter(({ path }) => path.endsWith('/summary_results'));
  const sorted = [...summaries].sort((a, b) => a.path.localeCompare(b.path));
  return requests.map((request) =>
    request.path.endsWith('/summary_results') ? sorted[summaries.indexOf(request)] : request
  );
}

/** `n` copies of a request, for retried attempts. */
export const times = (n: number, request: Sent): Sent[] => Array(n).fill(request);

/** A stack frame, raw or inside a workflow command (where newlines are %0A). */
const STACK_FRAME = /(?:^|%0A)[ \t]+at [^\n]*:\d+:\d+/m;

export function expectNoStackTrace(result: LaunchResult): void {
  expect(result.stdout).not.toMatch(STACK_FRAME);
  expect(result.stderr).not.toMatch(STACK_FRAME);
}

/** The messages of one kind of workflow command (`error`, `warning`, `notice`, …). */
export const commandMessages = (result: LaunchResult, command: string): string[] =>
  result.commands.filter((c) => c.command === command).map((c) => c.message);

/** Messages of the `::error::` commands (annotations and the step's failure). */
export const errors = (result: LaunchResult): string[] => commandMessages(result, 'error');

export const warnings = (result: LaunchResult): string[] => commandMessages(result, 'warning');

/** Exit 1 with one error that contains every fragment, no stack trace and no key anywhere. */
export function expectFailure(result: LaunchResult, fragments: string[], apiKey = API_KEY): void {
  expect({ code: result.code, errors: errors(result) }).toEqual({
    code: 1,
    errors: [expect.any(String)]
  });
  for (const fragment of fragments) expect(errors(result)[0]).toContain(fragment);
  expectNoStackTrace(result);
  expectNoSecret(result, apiKey);
}

/** Exit 0, no error, and no key anywhere. */
export function expectSuccess(result: LaunchResult, apiKey = API_KEY): void {
  expect({ code: result.code, errors: errors(result) }).toEqual({ code: 0, errors: [] });
  expectNoStackTrace(result);
  expectNoSecret(result, apiKey);
}

export interface Arrivals {
  /** Queue it first, so it sees every request; it never plays a fault. */
  entry: ScriptEntry;
  /** When each request arrived (Date.now()). */
  at: number[];
  /** Milliseconds between consecutive requests. */
  gaps: () => number[];
  /** Milliseconds from the first request to the last. */
  span: () => number;
}

/** Notes when each request arrives at a stand-in. */
export function arrivals(): Arrivals {
  const at: number[] = [];
  return {
    at,
    entry: { match: () => (at.push(Date.now()), false), times: Infinity, fault: {} },
    gaps: () => at.slice(1).map((time, i) => time - at[i]),
    span: () => (at.length === 0 ? NaN : at[at.length - 1] - at[0])
  };
}

/** Log lines a reader of the job log sees: no workflow commands, debug included. */
export const visibleLines = (result: LaunchResult): string[] =>
  result.stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('::'));
