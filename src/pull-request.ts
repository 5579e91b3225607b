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
import { FILES_PER_PAGE, listPullFilesPage, type FilesPage } from './github/list-pull-files.js';
import { listPullsForCommit } from './github/list-pulls-for-commit.js';
import { ActionError } from './errors.js';
import type { RunnerContext } from './runner-context.js';
import { factsNeeded, type ChangedFiles, type RuleFacts, type Rules } from './rules.js';

/**
 * GitHub access that costs nothing until used, and asks each question at most once. Answers
 * may be started before anyone waits for them: a failure then surfaces where one does.
 */
export class PullRequestSource {
  #pull: Promise<PullRequestFacts> | undefined;
  readonly #messages = new Map<string, Promise<string>>();

  constructor(
    readonly github: () => Promise<GitHub>,
    readonly workspace: string
  ) {}

  pull(number: number): Promise<PullRequestFacts> {
    return (this.#pull ??= started(this.github().then((github) => getPull(github, number))));
  }

  /** The message of commit `sha`: from the local checkout (git), else GET /commits/{sha}. */
  commitMessage(sha: string): Promise<string> {
    let message = this.#messages.get(sha);
    if (!message) {
      message = started(
        readLocalCommitMessage(sha, this.workspace).then(async (local) => {
          if (local === undefined) return getCommitMessage(await this.github(), sha);
          core.debug(`Read the message of ${sha} from the local checkout.`);
          return local;
        })
      );
      this.#messages.set(sha, message);
    }
    return message;
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

/** Marks a promise as handled, so one that fails before it is awaited does not end the process. */
function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

type PullRequestSearch = { found: PullRequestFacts } | { notFound: string };

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

/**
 * Reads what the enabled rules need, concurrently, and nothing else. The head commit's message
 * starts first: git runs while GitHub is asked the rest. The "files-to-ignore" patterns are
 * compiled before anything is asked, so that an invalid one fails the run with no request made
 * for it, whatever the files.
 */
export async function gatherRuleFacts(
  facts: PullRequestFacts,
  rules: Rules,
  source: PullRequestSource
): Promise<{ facts: PullRequestFacts; ruleFacts: RuleFacts }> {
  const needs = factsNeeded(rules);
  const isIgnored = needs.changedFiles
    ? (await import('./ignored-files.js')).ignoredFilesMatcher(rules.filesToIgnore)
    : undefined;
  const needsMessage = needs.commitMessage && facts.commitMessage === undefined;
  const message = needsMessage
    ? // At once when the event names the head commit; else after GET /pulls/{n}.
      source.complete(facts, ['headSha']).then(({ headSha }) => commitMessageOf(headSha, source))
    : facts.commitMessage;
  const pullKeys: (keyof PullRequestFacts)[] = [];
  if (needs.labels) pullKeys.push('labels');
  if (needs.baseRef) pullKeys.push('baseRef');
  const [completed, commitMessage, changedFiles] = await Promise.all([
    source.complete(facts, pullKeys),
    message,
    isIgnored ? changedFilesOf(facts, isIgnored, source) : undefined
  ]);
  return {
    facts: await source.withLive({ ...completed, commitMessage }),
    ruleFacts: { commitMessage, labels: completed.labels, baseRef: completed.baseRef, changedFiles }
  };
}

function commitMessageOf(headSha: string | undefined, source: PullRequestSource): Promise<string> {
  if (headSha === undefined) {
    throw new ActionError(
      'The pull request head commit is unknown, so the skip marker cannot be checked.'
    );
  }
  return source.commitMessage(headSha);
}

/**
 * The changed files, listed only as far as they decide: page 1, then every page left at once,
 * their count known from `changed_files` (the event's, or GET /pulls/{n}'s, asked while page 1
 * is on its way); the listing stops at the first file that is not ignored. At most 29 requests
 * run together, a third of what GitHub allows at once.
 */
async function changedFilesOf(
  facts: PullRequestFacts,
  isIgnored: (path: string) => boolean,
  source: PullRequestSource
): Promise<ChangedFiles> {
  const { number } = facts;
  if (facts.changedFiles !== undefined && facts.changedFiles > FILE_LISTING_CAP)
    return tooManyFiles(facts.changedFiles);
  const fileCount =
    facts.changedFiles ?? started(source.pull(number).then(({ changedFiles }) => changedFiles));
  const github = await source.github();
  const page = (n: number) => listPullFilesPage(github, number, n);
  const first = await page(1);
  const paths: string[] = [];
  let notIgnored: string | undefined;
  /** Takes a page in; true when it shows a changed file that is not ignored, which decides. */
  const decides = (files: FilesPage) => {
    paths.push(...files.paths);
    notIgnored ??= files.paths.find((path) => !isIgnored(path));
    return notIgnored !== undefined;
  };
  // A copy: pages still on their way when one decided arrive after the return.
  const stopped = () => ({ paths: [...paths], notIgnored, complete: false });
  if (decides(first)) return stopped();
  let last = first;
  let at = 1;
  if (first.more) {
    const total = (await fileCount) ?? 0;
    if (total > FILE_LISTING_CAP) return tooManyFiles(total);
    const rest = Array.from({ length: Math.ceil(total / FILES_PER_PAGE) - 1 }, (_, i) =>
      page(i + 2)
    );
    if (await anyTrue(rest.map((listing) => listing.then(decides)))) return stopped();
    if (rest.length > 0) [last, at] = [await rest[rest.length - 1], rest.length + 1];
  }
  // A count older than the listing (commits pushed since the event): the rest page by page.
  while (last.more && at < FILE_LISTING_CAP / FILES_PER_PAGE) {
    last = await page(++at);
    if (decides(last)) return stopped();
  }
  return { paths, complete: true };
}

/** True as soon as one check is; false once every one has said no. */
function anyTrue(checks: Promise<boolean>[]): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let left = checks.length;
    if (left === 0) resolve(false);
    for (const check of checks)
      check.then((yes) => (yes || --left === 0 ? resolve(yes) : undefined), reject);
  });
}

function tooManyFiles(changedFiles: number): ChangedFiles {
  core.notice(
    `The pull request changes ${changedFiles} files and GitHub lists only the first ${FILE_LISTING_CAP}: "files-to-ignore" cannot rule the rest out, so it does not skip the pull request.`
  );
  return { paths: [], complete: false };
}
