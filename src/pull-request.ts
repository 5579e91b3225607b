import * as core from '@actions/core';
import { readLocalCommitMessage } from './commit-message.js';
import {
  choosePullForCommit,
  targetFromEvent,
  type PullRequestFacts
} from './event-pull-request.js';
import type { GitHub } from './github/client.js';
import { getCommitMessage } from './github/get-commit-message.js';
import { getPull } from './github/get-pull.js';
import { listPullFiles } from './github/list-pull-files.js';
import { listPullsForCommit } from './github/list-pulls-for-commit.js';
import { ActionError } from './errors.js';
import type { RunnerContext } from './runner-context.js';
import { factsNeeded, type RuleFacts, type Rules } from './rules.js';

/** GitHub access that costs nothing until used, and reads the pull request at most once. */
export class PullRequestSource {
  #pull: Promise<PullRequestFacts> | undefined;

  constructor(
    readonly github: () => Promise<GitHub>,
    readonly workspace: string
  ) {}

  pull(number: number): Promise<PullRequestFacts> {
    return (this.#pull ??= this.github().then((github) => getPull(github, number)));
  }

  /** The facts with `keys` filled in by GET /pulls/{n} when any is missing. */
  async complete(
    facts: PullRequestFacts,
    keys: (keyof PullRequestFacts)[]
  ): Promise<PullRequestFacts> {
    if (keys.every((key) => facts[key] !== undefined)) return facts;
    await this.pull(facts.number);
    return this.withLive(facts);
  }

  /** The facts plus what GET /pulls/{n} told, when it was asked already; asks nothing. */
  async withLive(facts: PullRequestFacts): Promise<PullRequestFacts> {
    if (!this.#pull) return facts;
    // The event's own SHAs and branches win: they describe the commit this run checked out.
    const known = Object.fromEntries(
      Object.entries(facts).filter(([, value]) => value !== undefined)
    );
    return { ...(await this.#pull), ...known };
  }
}

export type PullRequestSearch = { found: PullRequestFacts } | { notFound: string };

/** Finds the pull request: the `pr-number` input, else the event, else the commit's open pull request. */
export async function findPullRequest(
  prNumber: number | undefined,
  context: RunnerContext,
  source: PullRequestSource
): Promise<PullRequestSearch> {
  if (prNumber !== undefined) {
    core.info(`Pull request #${prNumber}, from the "pr-number" input.`);
    return { found: await source.pull(prNumber) };
  }
  const target = targetFromEvent(context.eventName, context.payload, context.sha);
  if (target.kind === 'none') return { notFound: target.reason };
  if (target.kind === 'pull-request') {
    core.info(`Pull request #${target.facts.number}, from the ${context.eventName} event.`);
    return { found: target.facts };
  }
  const pulls = await listPullsForCommit(await source.github(), target.sha);
  const facts = choosePullForCommit(pulls, target.sha);
  if (!facts) return { notFound: `no open pull request contains commit ${target.sha}` };
  core.info(
    `Pull request #${facts.number}, found by commit ${target.sha} of the ${context.eventName} event.`
  );
  const commitMessage = facts.headSha === target.sha ? target.commitMessage : undefined;
  return { found: { ...facts, commitMessage } };
}

/** GitHub's pull request files endpoint lists no more than this. */
const FILE_LISTING_CAP = 3000;

/** Reads what the enabled rules need, concurrently, and nothing else. */
export async function gatherRuleFacts(
  facts: PullRequestFacts,
  rules: Rules,
  source: PullRequestSource
): Promise<{ facts: PullRequestFacts; ruleFacts: RuleFacts }> {
  const needs = factsNeeded(rules);
  const needsMessage = needs.commitMessage && facts.commitMessage === undefined;
  const pullKeys: (keyof PullRequestFacts)[] = [];
  if (needs.labels) pullKeys.push('labels');
  if (needs.baseRef) pullKeys.push('baseRef');
  if (needsMessage) pullKeys.push('headSha');
  const completing = source.complete(facts, pullKeys);
  const [completed, commitMessage, changedFiles] = await Promise.all([
    completing,
    // Starts at once when the event names the head commit; else after GET /pulls/{n}.
    needsMessage
      ? (facts.headSha !== undefined ? Promise.resolve(facts) : completing).then(({ headSha }) =>
          commitMessageOf(headSha, source)
        )
      : facts.commitMessage,
    needs.changedFiles ? changedFilesOf(facts, source) : undefined
  ]);
  return {
    facts: await source.withLive({ ...completed, commitMessage }),
    ruleFacts: { commitMessage, labels: completed.labels, baseRef: completed.baseRef, changedFiles }
  };
}

async function commitMessageOf(
  headSha: string | undefined,
  source: PullRequestSource
): Promise<string> {
  if (headSha === undefined) {
    throw new ActionError(
      'The pull request head commit is unknown, so the skip marker cannot be checked.'
    );
  }
  const local = await readLocalCommitMessage(headSha, source.workspace);
  if (local !== undefined) {
    core.debug(`Read the message of ${headSha} from the local checkout.`);
    return local;
  }
  return getCommitMessage(await source.github(), headSha);
}

async function changedFilesOf(facts: PullRequestFacts, source: PullRequestSource) {
  const { paths, listed } = await listPullFiles(await source.github(), facts.number);
  if (listed < FILE_LISTING_CAP) return { paths, complete: true };
  const { changedFiles = Infinity } = await source.complete(facts, ['changedFiles']);
  const complete = listed >= changedFiles;
  if (!complete) {
    core.notice(
      `The pull request changes ${changedFiles} files and GitHub lists only the first ${listed}: "files-to-ignore" cannot rule the rest out, so the diffs are submitted.`
    );
  }
  return { paths, complete };
}
