import { readFileSync, statSync } from 'node:fs';
import { ActionError, errorMessage } from './errors.js';

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

/** GitHub sends no webhook payload above 25 MB; a bigger file is not an event. */
const MAX_EVENT_BYTES = 32 * 1024 * 1024;

const BROKEN_RUNNER =
  'The runner writes this file for every step: check that the step runs on a GitHub Actions runner and that no earlier step changes GITHUB_EVENT_PATH or the file.';

/**
 * The event payload. Its absence is a broken environment, never a reason to skip: a missing
 * payload would make a pull_request event look like one without a pull request.
 */
function readPayload(eventPath: string | undefined): Record<string, unknown> {
  if (!eventPath) throw new ActionError(`GITHUB_EVENT_PATH is not set. ${BROKEN_RUNNER}`);
  const where = `The event file ${eventPath} (GITHUB_EVENT_PATH)`;
  let text: string;
  try {
    const stats = statSync(eventPath);
    // A FIFO or a device would block the read, or never end.
    if (!stats.isFile()) throw new ActionError(`${where} is not a regular file. ${BROKEN_RUNNER}`);
    if (stats.size > MAX_EVENT_BYTES)
      throw new ActionError(
        `${where} is ${(stats.size / 1024 / 1024).toFixed(0)} MiB, more than an event can be (the limit is 32 MiB). ${BROKEN_RUNNER}`
      );
    text = readFileSync(eventPath, 'utf8');
  } catch (error) {
    if (error instanceof ActionError) throw error;
    const { code } = error as NodeJS.ErrnoException;
    throw new ActionError(
      `${where} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? errorMessage(error)})`}. ${BROKEN_RUNNER}`
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new ActionError(`${where} is not valid JSON: ${errorMessage(error)}. ${BROKEN_RUNNER}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    const found =
      payload === null ? 'null' : Array.isArray(payload) ? 'an array' : `a ${typeof payload}`;
    throw new ActionError(`${where} holds ${found}, not a JSON object. ${BROKEN_RUNNER}`);
  }
  return payload as Record<string, unknown>;
}
