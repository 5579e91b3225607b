import { existsSync, readFileSync } from 'node:fs';
import { ActionError } from './errors.js';

/** What the runner tells every action about the workflow run, read without loading Octokit. */
export interface RunnerContext {
  eventName: string;
  payload: Record<string, unknown>;
  sha: string;
  owner: string;
  repo: string;
  workspace: string;
  serverUrl: string;
  apiUrl: string;
}

export function readRunnerContext(env: NodeJS.ProcessEnv = process.env): RunnerContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload: readPayload(env.GITHUB_EVENT_PATH),
    sha: env.GITHUB_SHA ?? '',
    owner,
    repo,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  };
}

function readPayload(eventPath: string | undefined): Record<string, unknown> {
  if (!eventPath || !existsSync(eventPath)) return {};
  try {
    return JSON.parse(readFileSync(eventPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ActionError(
      `The event file ${eventPath} is not valid JSON: ${(error as Error).message}`
    );
  }
}
