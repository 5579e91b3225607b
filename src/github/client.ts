import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import { ActionError } from '../errors.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface GitHub {
  octokit: Octokit;
  owner: string;
  repo: string;
}

/** Rate-limit waits longer than this fail instead: a CI step should not idle for an hour. */
const MAX_RATE_LIMIT_WAIT_SECONDS = 60;
const MAX_RATE_LIMIT_RETRIES = 2;

/**
 * Octokit is loaded only when a rule needs the API, so runs that need no GitHub request do
 * not pay for loading it. It talks to GITHUB_API_URL (GHES) through the runner's proxy.
 */
export async function createGitHub(token: string, owner: string, repo: string): Promise<GitHub> {
  if (token === '') {
    throw new ActionError(
      'Input "github-token" is empty, and a GitHub API lookup is needed: leave it at its default (${{ github.token }}) or pass a token that can read pull requests.'
    );
  }
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling')
  ]);
  const onLimit = (
    retryAfter: number,
    options: { method: string; url: string },
    _octokit: unknown,
    retryCount: number
  ) => {
    const retrying =
      retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
    core.warning(
      `GitHub rate limit reached for ${options.method} ${options.url}; ${retrying ? `retrying in ${retryAfter} s` : 'giving up'}.`
    );
    return retrying;
  };
  const octokit = getOctokit(
    token,
    { throttle: { onRateLimit: onLimit, onSecondaryRateLimit: onLimit } },
    retry,
    throttling
  );
  return { octokit, owner, repo };
}

/** Explains a failed GitHub request, naming the workflow permission it needs. */
export function gitHubError(error: unknown, what: string, permission: string): ActionError {
  const status = (error as { status?: number }).status;
  const detail = error instanceof Error ? error.message : String(error);
  if (status === 401) {
    return new ActionError(
      `GitHub rejected the token while ${what} (401): check the "github-token" input.`
    );
  }
  if (status === 403 || status === 404) {
    return new ActionError(
      `GitHub answered ${status} while ${what}: ${detail}. The token may lack a permission: add "permissions: ${permission}" to the job (or pass a "github-token" that has it).`
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
