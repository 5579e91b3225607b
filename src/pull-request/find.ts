import * as core from '@actions/core';
import type { GitHub } from '../github/client.js';
import { listPullsForCommit } from '../github/list-pulls-for-commit.js';
import type { RunnerContext } from '../runtime/runner-context.js';
import { choosePullForCommit, targetFromEvent } from './event.js';
import { PullRequest } from './facts.js';

type PullRequestSearch = { found: PullRequest } | { notFound: string };

/** Finds the pull request: the `pr-number` input, else the event, else the commit's open pull request. */
export async function findPullRequest(
  prNumber: number | undefined,
  context: RunnerContext,
  github: () => Promise<GitHub>
): Promise<PullRequestSearch> {
  const pullRequest = (facts: PullRequest['facts']) =>
    new PullRequest(facts, github, context.workspace);
  if (prNumber !== undefined) {
    core.info(`Pull request #${prNumber}, from the "pr-number" input.`);
    const pr = pullRequest({ number: prNumber });
    await pr.need('headSha');
    return { found: pr };
  }
  const target = targetFromEvent(context.eventName, context.payload, context.sha);
  if (target.kind === 'none') return { notFound: target.reason };
  if (target.kind === 'pull-request') {
    core.info(`Pull request #${target.facts.number}, from the ${context.eventName} event.`);
    return { found: pullRequest(target.facts) };
  }
  const pulls = await listPullsForCommit(await github(), target.sha);
  const facts = choosePullForCommit(pulls, target.sha);
  if (!facts) return { notFound: `no open pull request contains commit ${target.sha}` };
  core.info(
    `Pull request #${facts.number}, found by commit ${target.sha} of the ${context.eventName} event.`
  );
  const commitMessage = facts.headSha === target.sha ? target.commitMessage : undefined;
  return { found: pullRequest({ ...facts, commitMessage }) };
}
