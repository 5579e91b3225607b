import { gitHubError, type GitHub } from './client.js';

/** GET /repos/{owner}/{repo}/commits/{sha}: for when the commit is not in the local checkout. */
export async function getCommitMessage(github: GitHub, sha: string): Promise<string> {
  const { owner, repo } = github;
  try {
    const { data } = await github.octokit.rest.repos.getCommit({ owner, repo, ref: sha });
    return data.commit.message;
  } catch (error) {
    throw gitHubError(error, `reading the message of commit ${sha}`, 'contents: read');
  }
}
