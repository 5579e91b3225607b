import { ActionError } from '../runtime/errors.js';

/** A GitHub answer of the wrong shape: a proxy or server that is not GitHub's API answered. */
export function unexpectedAnswer(request: string, problem: string): ActionError {
  return new ActionError(
    `GitHub's answer to ${request} ${problem}, which GitHub's API never sends: check that GITHUB_API_URL points at GitHub's API (on GHES, https://<host>/api/v3) and that no proxy rewrites its answers.`
  );
}
