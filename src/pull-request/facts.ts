import * as core from '@actions/core';
import type { GitHub } from '../github/client.js';
import { getCommitMessage } from '../github/get-commit-message.js';
import { getPull } from '../github/get-pull.js';
import { ActionError } from '../runtime/errors.js';
import { readLocalCommitMessage } from './commit-message.js';
import type { PullRequestFacts } from '../github/pull.js';

export type FactName = Exclude<keyof PullRequestFacts, 'number' | 'commitMessage'>;

/**
 * The pull request the run is for. It holds every fact known about it, from the event and from
 * GitHub, and asks GitHub only for a fact someone needs that is not known yet, each question at
 * most once. Answers may be started before anyone waits for them: a failure then surfaces where
 * one does.
 */
export class PullRequest {
  #facts: PullRequestFacts;
  #pull: Promise<void> | undefined;
  #message: Promise<string> | undefined;

  constructor(
    facts: PullRequestFacts,
    /** The GitHub client, created on first use. */
    readonly github: () => Promise<GitHub>,
    readonly workspace: string
  ) {
    this.#facts = facts;
  }

  get number(): number {
    return this.#facts.number;
  }

  /** What is known now; asks nothing. */
  get facts(): Readonly<PullRequestFacts> {
    return this.#facts;
  }

  /** The facts with `names` known: one GET /pulls/{n} fills in what is missing. */
  async need(...names: FactName[]): Promise<Readonly<PullRequestFacts>> {
    if (names.some((name) => this.#facts[name] === undefined)) await this.#readPull();
    return this.#facts;
  }

  /** The head commit, which the caller cannot do without: `what` says what for. */
  async headSha(what: string): Promise<string> {
    const { headSha } = await this.need('headSha');
    if (headSha === undefined)
      throw new ActionError(`The pull request head commit is unknown, so ${what}.`);
    return headSha;
  }

  /**
   * The head commit's message: the event's, else from the local checkout (git), else
   * GET /commits/{sha}. Git starts as soon as the head commit is known.
   */
  commitMessage(): Promise<string> {
    const known = this.#facts.commitMessage;
    if (known !== undefined) return Promise.resolve(known);
    return (this.#message ??= started(
      this.headSha('the skip marker cannot be checked').then(async (sha) => {
        const local = await readLocalCommitMessage(sha, this.workspace);
        if (local === undefined) return getCommitMessage(await this.github(), sha);
        core.debug(`Read the message of ${sha} from the local checkout.`);
        return local;
      })
    ));
  }

  #readPull(): Promise<void> {
    return (this.#pull ??= started(this.#mergeLive()));
  }

  async #mergeLive(): Promise<void> {
    const live = await getPull(await this.github(), this.number);
    // The event's own SHAs and branches win: they describe the commit this run checked out.
    this.#facts = { ...live, ...known(this.#facts) };
  }
}

function known(facts: PullRequestFacts): Partial<PullRequestFacts> {
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));
}

/** Marks a promise as handled, so one that fails before it is awaited does not end the process. */
export function started<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
