import {
  factsFromPull,
  object,
  positiveInteger,
  string,
  type CommitPull,
  type PullRequestFacts
} from '../github/pull.js';

/** Where an event says the pull request is. */
type EventTarget =
  | { kind: 'pull-request'; facts: PullRequestFacts }
  | { kind: 'commit'; sha: string; commitMessage?: string }
  | { kind: 'none'; reason: string };

type Json = Record<string, unknown>;

const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment'
]);

const ZERO_SHA = /^0+$/;

/** Reads the pull request from the event payload, as docs/pull-request.md's event table says; no I/O. */
export function targetFromEvent(eventName: string, payload: Json, runnerSha: string): EventTarget {
  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const facts = factsFromPull(payload.pull_request, false);
    return facts
      ? { kind: 'pull-request', facts }
      : { kind: 'none', reason: `the ${eventName} event payload has no pull request number` };
  }
  switch (eventName) {
    case 'issue_comment':
      return fromIssueComment(payload);
    case 'merge_group':
      return fromMergeGroup(payload);
    case 'workflow_run':
      return fromWorkflowRun(payload);
    case 'push':
      return fromPush(payload, runnerSha);
    default:
      return commitTarget(
        runnerSha,
        undefined,
        `the ${eventName || 'unknown'} event names no commit`
      );
  }
}

function commitTarget(
  sha: string | undefined,
  commitMessage: string | undefined,
  reason: string
): EventTarget {
  return sha && !ZERO_SHA.test(sha)
    ? { kind: 'commit', sha, commitMessage }
    : { kind: 'none', reason };
}

function fromIssueComment(payload: Json): EventTarget {
  const issue = object(payload.issue);
  const number = positiveInteger(issue?.number);
  if (!issue?.pull_request || number === undefined) {
    return { kind: 'none', reason: 'the comment is on an issue, not on a pull request' };
  }
  return { kind: 'pull-request', facts: { number } };
}

function fromMergeGroup(payload: Json): EventTarget {
  const group = object(payload.merge_group);
  const headRef = string(group?.head_ref) ?? '';
  const number = positiveInteger(Number(/\/pr-(\d+)-[^/]*$/.exec(headRef)?.[1]));
  if (number === undefined) {
    return { kind: 'none', reason: `the merge queue ref "${headRef}" names no pull request` };
  }
  const baseRef = string(group?.base_ref)?.replace(/^refs\/heads\//, '');
  return { kind: 'pull-request', facts: { number, baseRef } };
}

function fromWorkflowRun(payload: Json): EventTarget {
  const run = object(payload.workflow_run);
  const headCommit = object(run?.head_commit);
  const message = string(headCommit?.message);
  const pulls = Array.isArray(run?.pull_requests) ? run.pull_requests : [];
  const facts = factsFromPull(pulls[0], false);
  if (facts) {
    // The run's head commit is the pull request's head when their SHAs agree.
    const commitMessage =
      facts.headSha && facts.headSha === string(headCommit?.id) ? message : undefined;
    return { kind: 'pull-request', facts: { ...facts, commitMessage } };
  }
  // Runs from forks list no pull requests: find it by the commit.
  return commitTarget(string(run?.head_sha), message, 'the workflow_run event names no commit');
}

function fromPush(payload: Json, runnerSha: string): EventTarget {
  if (payload.deleted === true) return { kind: 'none', reason: 'the push deleted a branch' };
  const message = string(object(payload.head_commit)?.message);
  return commitTarget(
    string(payload.after) ?? runnerSha,
    message,
    'the push event names no commit'
  );
}

/** Of the pull requests containing a commit, the open one whose head it is, else the first open one. */
export function choosePullForCommit(
  pulls: CommitPull[],
  sha: string
): PullRequestFacts | undefined {
  const open = pulls.filter((pull) => pull.open);
  return (open.find((pull) => pull.facts.headSha === sha) ?? open[0])?.facts;
}
