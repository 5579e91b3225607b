import { factsFromPull, type CommitPull } from './pull.js';
import { gitHubError, type GitHub } from './client.js';
import { unexpectedAnswer } from './unexpected-answer.js';

/** GET /repos/{owner}/{repo}/commits/{sha}/pulls: the pull requests that contain a commit. */
export async function listPullsForCommit(github: GitHub, sha: string): Promise<CommitPull[]> {
  const { owner, repo } = github;
  let data: unknown;
  try {
    ({ data } = await github.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: sha,
      per_page: 100
    }));
  } catch (error) {
    throw gitHubError(error, `looking up the pull request of commit ${sha}`, 'pull-requests: read');
  }
  const request = `GET /repos/${owner}/${repo}/commits/${sha}/pulls`;
  if (!Array.isArray(data)) throw unexpectedAnswer(request, 'is not a list of pull requests');
  // A pull request left out would turn a broken answer into "no pull request": a skip.
  return data.map((pull: unknown) => {
    const facts = factsFromPull(pull, true);
    if (!facts) throw unexpectedAnswer(request, 'lists a pull request with no number');
    return { open: (pull as { state?: unknown }).state === 'open', facts };
  });
}
