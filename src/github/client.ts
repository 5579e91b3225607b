import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import { ActionError, errorMessage } from '../runtime/errors.js';
import {
  Retryable,
  retryAfterMs,
  retryPolicy,
  verdict,
  withRetries,
  type RetryPolicy
} from '../http/retry.js';
import { TransportError, transportFetch } from '../http/transport.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface GitHub {
  octokit: Octokit;
  owner: string;
  repo: string;
}

/**
 * Octokit for GITHUB_API_URL (GHES), through the runner's proxy, retrying 5xx answers, dropped
 * connections and rate limits as Datafold requests are retried. @actions/github parses the
 * event file as it loads, and throws a bare SyntaxError on a broken one: it is loaded on first
 * use, once readRunnerContext has checked that file and can say what is wrong with it.
 */
async function createGitHub(token: string, owner: string, repo: string): Promise<GitHub> {
  if (token === '') {
    throw new ActionError(
      'Input "github-token" is empty, and a GitHub API lookup is needed: leave it at its default (${{ github.token }}) or pass a token that can read pull requests.'
    );
  }
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token, { request: { fetch: transportFetch() } });
  const policy = retryPolicy();
  octokit.hook.wrap('request', async (request, options) => {
    try {
      return await withRetries('GitHub', policy, async () => {
        try {
          const response = await request(options);
          core.debug(`GitHub: ${options.method} ${options.url} answered ${response.status}.`);
          return response;
        } catch (error) {
          core.debug(`GitHub: ${options.method} ${options.url} failed: ${errorMessage(error)}`);
          throw retryable(error, options.method, policy) ?? error;
        }
      });
    } catch (error) {
      throw error instanceof Retryable ? error.cause : error;
    }
  });
  return { octokit, owner, repo };
}

interface RequestFailure {
  status?: number;
  message?: string;
  cause?: unknown;
  response?: { headers?: Record<string, string | undefined> };
}

/** Octokit reports a request that got no answer as status 500: its cause tells them apart. */
function transportFailure(error: unknown): TransportError | undefined {
  const { cause } = error as RequestFailure;
  return cause instanceof TransportError ? cause : undefined;
}

/** A primary or secondary rate limit that stopped the request, and how long it lasts. */
function rateLimit(error: unknown): { name: string; waitMs?: number } | undefined {
  const { status, response } = error as RequestFailure;
  const headers = response?.headers ?? {};
  if (status !== 403 && status !== 429) return undefined;
  if (headers['retry-after'] !== undefined)
    return { name: "GitHub's secondary rate limit", waitMs: retryAfterMs(headers['retry-after']) };
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0')
    return {
      name: "GitHub's API rate limit for this token",
      waitMs: reset > 0 ? Math.max(reset * 1000 - Date.now(), 0) : undefined
    };
  return undefined;
}

/**
 * A failed GitHub request worth another attempt, by the shared verdict; a rate limit only
 * when it lifts within the longest wait (a longer one fails now, with the reason).
 */
function retryable(error: unknown, method: string, policy: RetryPolicy): Retryable | undefined {
  const transport = transportFailure(error);
  if (transport !== undefined)
    return verdict(method, transport.failure) === 'resend'
      ? new Retryable(transport.message, error)
      : undefined;
  const limit = rateLimit(error);
  if (limit !== undefined)
    return (limit.waitMs ?? Infinity) <= policy.maxWaitMs
      ? new Retryable(limit.name, error, limit.waitMs)
      : undefined;
  const { status, response } = error as RequestFailure;
  if (status === undefined || verdict(method, status) !== 'resend') return undefined;
  return new Retryable(`HTTP ${status}`, error, retryAfterMs(response?.headers?.['retry-after']));
}

/** Explains a failed GitHub request, naming the workflow permission it needs. */
export function gitHubError(error: unknown, what: string, permission: string): ActionError {
  const transport = transportFailure(error);
  if (transport !== undefined)
    return new ActionError(`GitHub request failed while ${what}: ${transport.message}.`);
  const limit = rateLimit(error);
  if (limit !== undefined) {
    const until =
      limit.waitMs === undefined
        ? ''
        : ` until ${new Date(Date.now() + limit.waitMs).toISOString()}`;
    return new ActionError(
      `${limit.name} stopped ${what}${until}. Re-run the job after that, or pass a "github-token" with a higher limit.`
    );
  }
  const { status } = error as RequestFailure;
  const detail = error instanceof Error ? error.message : String(error);
  if (status === 401) {
    return new ActionError(
      `GitHub rejected the token while ${what} (401): check the "github-token" input.`
    );
  }
  if (status === 403 || status === 404) {
    // GitHub answers 404, not 403, for what a token may not see.
    const check =
      status === 404
        ? 'If it exists, the token may lack a permission'
        : 'The token may lack a permission';
    return new ActionError(
      `GitHub answered ${status} while ${what}: ${detail}. ${check}: add "permissions: ${permission}" to the job (or pass a "github-token" that has it).`
    );
  }
  return new ActionError(
    `GitHub request failed while ${what}${status ? ` (${status})` : ''}: ${detail}`
  );
}

/** Creates the client on first use only, once. */
export function lazyGitHub(token: string, owner: string, repo: string): () => Promise<GitHub> {
  let client: Promise<GitHub> | undefined;
  return () => (client ??= createGitHub(token, owner, repo));
}
