import { describe, expect, it } from '@jest/globals';
import { example } from '../__fixtures__/webhook-examples.js';
import { ActionError } from '../src/runtime/errors.js';
import type { GitHub } from '../src/github/client.js';
import { listPullsForCommit } from '../src/github/list-pulls-for-commit.js';

const SHA = 'a'.repeat(40);

function answering(data: unknown): GitHub {
  const listPullRequestsAssociatedWithCommit = async () => ({ data });
  return {
    owner: 'o',
    repo: 'r',
    octokit: { rest: { repos: { listPullRequestsAssociatedWithCommit } } }
  } as unknown as GitHub;
}

describe('listPullsForCommit', () => {
  it('reads every pull request of the answer, open or not', async () => {
    const pull = example('pull_request', (p) => p.action === 'opened').pull_request;
    const pulls = await listPullsForCommit(
      answering([pull, { ...pull, number: 3, state: 'closed' }]),
      SHA
    );
    expect(pulls.map(({ open, facts }) => [open, facts.number])).toEqual([
      [true, pull.number],
      [false, 3]
    ]);
  });

  it.each([[[null]], [[{ state: 'open' }]]])(
    'fails on a list with a pull request that has no number (%j), rather than skip',
    async (data) => {
      await expect(listPullsForCommit(answering(data), SHA)).rejects.toThrow(
        new ActionError(
          `GitHub's answer to GET /repos/o/r/commits/${SHA}/pulls lists a pull request with no number, which GitHub's API never sends: check that GITHUB_API_URL points at GitHub's API (on GHES, https://<host>/api/v3) and that no proxy rewrites its answers.`
        )
      );
    }
  );
});
