import { factsFromPull, type CommitPull } from '../event-pull-request.js';
import { gitHubError, type GitHub } from './client.js';

/** GET /repos/{owner}/{repo}/commits/{sha}/pulls: the pull requests that contain a commit. */
export async function listPullsForCommit(github: GitHub, sha: string): Promise<CommitPull[]> {
  const { owner, repo } = github;
  try {
    const { data } = await github.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: sha,
      per_page: 100
    });
    return data.flatMap((pull) => {
      const facts = factsFromPull(pull as unknown as Record<string, unknown>, true);
      return facts ? [{ open: pull.state === 'open', facts }] : [];
    });
  } catch (error) {
    throw gitHubError(error, `looking up the pull request of commit ${sha}`, 'pull-requests: read');
  }
}
