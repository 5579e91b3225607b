/** A pull request object as GitHub's REST API and its webhooks shape it, read defensively. */

/** What is known about the pull request; `undefined` means "not known yet". */
export interface PullRequestFacts {
  number: number;
  headSha?: string;
  headRef?: string;
  baseSha?: string;
  baseRef?: string;
  /** Read live from the API only: labels in an event payload can be stale. */
  labels?: string[];
  changedFiles?: number;
  commitMessage?: string;
}

type Json = Record<string, unknown>;

export function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

export function string(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Facts from a pull request object as GitHub's REST API and webhooks shape it; undefined without a number. */
export function factsFromPull(value: unknown, live: boolean): PullRequestFacts | undefined {
  const pull = object(value);
  const number = positiveInteger(pull?.number);
  if (!pull || number === undefined) return undefined;
  const head = object(pull.head);
  const base = object(pull.base);
  return {
    number,
    headSha: string(head?.sha),
    headRef: string(head?.ref),
    baseSha: string(base?.sha),
    baseRef: string(base?.ref),
    labels: live ? labelNames(pull.labels) : undefined,
    changedFiles: count(pull.changed_files)
  };
}

/** The names of a list of labels; undefined when it is no list or a label has no name. */
function labelNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const names = value.map((label) => string(object(label)?.name));
  // A wrong-shaped list is no answer to rule on, not a shorter one.
  return names.every((name) => name !== undefined) ? (names as string[]) : undefined;
}

export interface CommitPull {
  open: boolean;
  facts: PullRequestFacts;
}
