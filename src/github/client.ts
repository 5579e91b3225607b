import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import { ActionError, errorMessage } from '../errors.js';
import { transportFetch } from '../http/transport.js';
import { Retryable, retryAfterMs, retryPolicy, withRetries } from '../http/retry.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface GitHub {
  octokit: Octokit;
  owner: string;
  repo: string;
}

/**
 * Octokit is loaded only when a rule needs the API, so runs that need no GitHub request do
 * not pay for loading it. It talks to GITHUB_API_URL (GHES) through the runner's proxy, and
 * retries 5xx answers, dropped connections and rate limits as Datafold requests are retried.
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
          throw retryable(error) ?? error;
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
  response?: { headers?: Record<string, string | undefined> };
}

/** A failed GitHub request worth another attempt: 5xx, 429, rate limits, no answer. */
function retryable(error: unknown): Retryable | undefined {
  const { status, message, response } = error as RequestFailure;
  const headers = response?.headers ?? {};
  if (status === undefined || status >= 500 || status === 429) {
    return new Retryable(
      status ? `HTTP ${status}` : `no answer (${message})`,
      error,
      retryAfterMs(headers['retry-after'])
    );
  }
  if (status === 403 && headers['retry-after'] !== undefined) {
    return new Retryable('secondary rate limit', error, retryAfterMs(headers['retry-after']));
  }
  if (status === 403 && headers['x-ratelimit-remaining'] === '0') {
    const resetMs = Number(headers['x-ratelimit-reset']) * 1000 - Date.now();
    // A reset beyond the longest wait is not worth sleeping for: fail with the reason now.
    if (resetMs <= retryPolicy().maxWaitMs)
      return new Retryable('rate limit reached', error, Math.max(resetMs, 0));
  }
  return undefined;
}

/** Explains a failed GitHub request, naming the workflow permission it needs. */
export function gitHubError(error: unknown, what: string, permission: string): ActionError {
  const { status, response } = error as RequestFailure;
  const detail = error instanceof Error ? error.message : String(error);
  const reset = Number(response?.headers?.['x-ratelimit-reset']);
  if (status === 403 && response?.headers?.['x-ratelimit-remaining'] === '0' && reset > 0) {
    return new ActionError(
      `GitHub's API rate limit for this token is used up until ${new Date(reset * 1000).toISOString()} (while ${what}). Re-run the job after that, or pass a "github-token" with a higher limit.`
    );
  }
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
