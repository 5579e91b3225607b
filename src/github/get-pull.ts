import { factsFromPull, type PullRequestFacts } from './pull.js';
import { gitHubError, type GitHub } from './client.js';
import { unexpectedAnswer } from './unexpected-answer.js';

/** GET /repos/{owner}/{repo}/pulls/{n}: labels, branches, head SHA and file count in one request. */
export async function getPull(github: GitHub, number: number): Promise<PullRequestFacts> {
  const { owner, repo } = github;
  let data: unknown;
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
  // The rules read these; GitHub sends every one of them for every pull request.
  const missing = Object.entries({
    number: facts?.number,
    'head.sha': facts?.headSha,
    'base.ref': facts?.baseRef,
    labels: facts?.labels,
    changed_files: facts?.changedFiles
  }).flatMap(([field, value]) => (value === undefined ? [field] : []));
  if (!facts || missing.length > 0)
    throw unexpectedAnswer(
      `GET /repos/${owner}/${repo}/pulls/${number}`,
      `has no ${missing.join(', ')}`
    );
  return facts;
}
