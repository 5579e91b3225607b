import { factsFromPull, type PullRequestFacts } from '../event-pull-request.js';
import { ActionError } from '../errors.js';
import { gitHubError, type GitHub } from './client.js';

/** GET /repos/{owner}/{repo}/pulls/{n}: labels, branches, head SHA and file count in one request. */
export async function getPull(github: GitHub, number: number): Promise<PullRequestFacts> {
  const { owner, repo } = github;
  let data: Record<string, unknown>;
  try {
    ({ data } = await github.octokit.rest.pulls.get({ owner, repo, pull_number: number }));
  } catch (error) {
    throw gitHubError(
      error,
      `reading pull request #${number} of ${owner}/${repo}`,
      'pull-requests: read'
    );
  }
  const facts = factsFromPull(data, true);
  if (!facts)
    throw new ActionError(
      `GitHub's answer for pull request #${number} has no pull request number.`
    );
  return facts;
}
