import { gitHubError, type GitHub } from './client.js';
import { unexpectedAnswer } from './unexpected-answer.js';

/** GET /repos/{owner}/{repo}/commits/{sha}: for when the commit is not in the local checkout. */
export async function getCommitMessage(github: GitHub, sha: string): Promise<string> {
  const { owner, repo } = github;
  let data: unknown;
  try {
    ({ data } = await github.octokit.rest.repos.getCommit({ owner, repo, ref: sha }));
  } catch (error) {
    throw gitHubError(error, `reading the message of commit ${sha}`, 'contents: read');
  }
  const message = (data as { commit?: { message?: unknown } } | null)?.commit?.message;
  if (typeof message !== 'string')
    throw unexpectedAnswer(`GET /repos/${owner}/${repo}/commits/${sha}`, 'has no commit.message');
  return message;
}
