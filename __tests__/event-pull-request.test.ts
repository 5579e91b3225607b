import { describe, expect, it } from '@jest/globals';
import { example, examples } from '../__fixtures__/webhook-examples.js';
import { factsFromPull } from '../src/github/pull.js';
import { choosePullForCommit, targetFromEvent } from '../src/pull-request/event.js';

const RUNNER_SHA = 'f'.repeat(40);

/** What the event's pull request object says, and nothing live (labels). */
interface EventPull {
  number: number;
  head: { sha: string; ref: string };
  base: { sha: string; ref: string };
  changed_files?: number;
}

function factsOf(pull: EventPull) {
  return {
    number: pull.number,
    headSha: pull.head.sha,
    headRef: pull.head.ref,
    baseSha: pull.base.sha,
    baseRef: pull.base.ref,
    labels: undefined,
    changedFiles: pull.changed_files
  };
}

describe('targetFromEvent', () => {
  it.each([
    'pull_request',
    'pull_request_target',
    'pull_request_review',
    'pull_request_review_comment'
  ])(
    'reads the number, SHAs and branches of every %s example, never the stale labels',
    (eventName) => {
      // pull_request_target payloads are shaped like pull_request ones.
      for (const payload of examples(
        eventName === 'pull_request_target' ? 'pull_request' : eventName
      )) {
        const pull = payload.pull_request;
        expect(targetFromEvent(eventName, payload, RUNNER_SHA)).toEqual({
          kind: 'pull-request',
          facts: factsOf(pull)
        });
      }
    }
  );

  it.each([-1, 2.5, Infinity])(
    'takes no file count from a changed_files of %d, which no pull request has',
    (changedFiles) => {
      const payload = example('pull_request', (p) => p.action === 'opened');
      payload.pull_request.changed_files = changedFiles;
      const target = targetFromEvent('pull_request', payload, RUNNER_SHA);
      expect(target.kind === 'pull-request' && target.facts).toEqual(
        expect.objectContaining({ number: payload.pull_request.number, changedFiles: undefined })
      );
    }
  );

  it('never takes GITHUB_SHA (the merge commit) as the head of a pull_request', () => {
    const payload = example('pull_request', (p) => p.action === 'synchronize');
    const target = targetFromEvent('pull_request', payload, RUNNER_SHA);
    expect(target.kind === 'pull-request' && target.facts.headSha).toBe(
      payload.pull_request.head.sha
    );
    expect(payload.pull_request.head.sha).not.toBe(RUNNER_SHA);
  });

  it('takes the issue number of a comment on a pull request', () => {
    const payload = example('issue_comment', (p) => p.action === 'created');
    payload.issue.number = 77;
    payload.issue.pull_request = {
      url: 'https://api.github.com/repos/Codertocat/Hello-World/pulls/77'
    };
    expect(targetFromEvent('issue_comment', payload, RUNNER_SHA)).toEqual({
      kind: 'pull-request',
      facts: { number: 77 }
    });
  });

  it('finds no pull request for comments on plain issues (every issue_comment example)', () => {
    for (const payload of examples('issue_comment')) {
      expect(targetFromEvent('issue_comment', payload, RUNNER_SHA)).toEqual({
        kind: 'none',
        reason: 'the comment is on an issue, not on a pull request'
      });
    }
  });

  it('reads pr-<N>- from the merge queue ref of every merge_group example', () => {
    for (const payload of examples('merge_group')) {
      const number = Number(/pr-(\d+)-/.exec(payload.merge_group.head_ref)?.[1]);
      expect(targetFromEvent('merge_group', payload, RUNNER_SHA)).toEqual({
        kind: 'pull-request',
        facts: { number, baseRef: 'main' }
      });
    }
  });

  it('finds no pull request in a merge_group ref without pr-<N>-', () => {
    const payload = example('merge_group');
    payload.merge_group.head_ref = 'refs/heads/gh-readonly-queue/main/something-else';
    expect(targetFromEvent('merge_group', payload, RUNNER_SHA).kind).toBe('none');
  });

  it('takes workflow_run.pull_requests[0] and the head commit message when it is the pull request head', () => {
    const payload = example('workflow_run', (p) => p.workflow_run.pull_requests.length > 0);
    const pull = payload.workflow_run.pull_requests[0];
    payload.workflow_run.head_commit.id = pull.head.sha;
    expect(targetFromEvent('workflow_run', payload, RUNNER_SHA)).toEqual({
      kind: 'pull-request',
      facts: { ...factsOf(pull), commitMessage: payload.workflow_run.head_commit.message }
    });
  });

  it('does not take a workflow_run head commit message that belongs to another commit', () => {
    const payload = example('workflow_run', (p) => p.workflow_run.pull_requests.length > 0);
    payload.workflow_run.head_commit.id = '0123456789abcdef0123456789abcdef01234567';
    const target = targetFromEvent('workflow_run', payload, RUNNER_SHA);
    expect(target.kind === 'pull-request' && target.facts.commitMessage).toBeUndefined();
  });

  it('looks a fork workflow_run up by its head SHA (empty pull_requests)', () => {
    for (const payload of examples('workflow_run').filter(
      (p) => p.workflow_run.pull_requests.length === 0
    )) {
      expect(targetFromEvent('workflow_run', payload, RUNNER_SHA)).toEqual({
        kind: 'commit',
        sha: payload.workflow_run.head_sha,
        commitMessage: payload.workflow_run.head_commit.message
      });
    }
  });

  it('looks a push up by the pushed commit, with its message', () => {
    const payload = example('push', (p) => !p.deleted);
    expect(targetFromEvent('push', payload, RUNNER_SHA)).toEqual({
      kind: 'commit',
      sha: payload.after,
      commitMessage: payload.head_commit.message
    });
  });

  it('finds no pull request for a push that deleted a branch', () => {
    const payload = example('push', (p) => p.deleted);
    expect(targetFromEvent('push', payload, RUNNER_SHA)).toEqual({
      kind: 'none',
      reason: 'the push deleted a branch'
    });
  });

  it.each(['workflow_dispatch', 'schedule', 'repository_dispatch'])(
    'looks %s up by GITHUB_SHA',
    (eventName) => {
      const payload = eventName === 'workflow_dispatch' ? example('workflow_dispatch') : {};
      expect(targetFromEvent(eventName, payload, RUNNER_SHA)).toEqual({
        kind: 'commit',
        sha: RUNNER_SHA,
        commitMessage: undefined
      });
    }
  );

  it('finds nothing when there is no commit to look up', () => {
    expect(targetFromEvent('workflow_dispatch', {}, '').kind).toBe('none');
  });
});

describe('factsFromPull', () => {
  const pull = example('pull_request', (p) => p.action === 'opened').pull_request;

  it('reads the labels of a live answer only', () => {
    const labelled = { ...pull, labels: [{ name: 'datafold' }, { name: 'bug' }] };
    expect(factsFromPull(labelled, true)?.labels).toEqual(['datafold', 'bug']);
    expect(factsFromPull(labelled, false)?.labels).toBeUndefined();
  });

  it.each([[[{ name: 'datafold' }, null]], [[{ name: 'datafold' }, { name: 7 }]], [{}]])(
    'takes no labels from %j, rather than fewer',
    (labels) => {
      expect(factsFromPull({ ...pull, labels }, true)?.labels).toBeUndefined();
    }
  );
});

describe('choosePullForCommit', () => {
  const sha = 'a'.repeat(40);
  const pull = (number: number, open: boolean, headSha: string) => ({
    open,
    facts: { number, headSha }
  });

  it('prefers the open pull request whose head is the commit', () => {
    const chosen = choosePullForCommit(
      [pull(1, true, 'b'.repeat(40)), pull(2, false, sha), pull(3, true, sha)],
      sha
    );
    expect(chosen?.number).toBe(3);
  });

  it('falls back to the first open pull request containing the commit', () => {
    expect(
      choosePullForCommit([pull(1, false, sha), pull(4, true, 'c'.repeat(40))], sha)?.number
    ).toBe(4);
  });

  it('finds none when every pull request is closed', () => {
    expect(choosePullForCommit([pull(1, false, sha)], sha)).toBeUndefined();
  });
});
