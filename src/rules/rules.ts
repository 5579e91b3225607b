import picomatch from 'picomatch';
import { cutList } from '../runtime/lists.js';

type SkipReason =
  | 'skip-marker'
  | 'missing-label'
  | 'base-branch'
  | 'ignored-files'
  | 'threshold'
  | 'no-pull-request'
  | 'dry-run';

export interface Skip {
  reason: SkipReason;
  message: string;
  /** A threshold skip is worth a warning: the diffs were wanted but not run. */
  level: 'notice' | 'warning';
}

export interface Rules {
  skipMarker: string;
  requireLabel: string[];
  baseBranch: string[];
  filesToIgnore: string[];
}

/** What listing the pull request's changed files found, as far as it went. */
export interface ChangedFiles {
  /** The paths listed; a renamed file counts under its old and new path. */
  paths: string[];
  /** The first listed path that "files-to-ignore" does not ignore: the listing stops there. */
  notIgnored?: string;
  /** True when every changed file was listed (false past GitHub's 3000-file cap, or stopped). */
  complete: boolean;
}

/** The facts each enabled rule reads; the gatherer fetches exactly these. */
export interface RuleFacts {
  commitMessage?: string;
  labels?: string[];
  baseRef?: string;
  changedFiles?: ChangedFiles;
}

export function factsNeeded(rules: Rules): Record<keyof RuleFacts, boolean> {
  return {
    commitMessage: rules.skipMarker !== '',
    labels: rules.requireLabel.length > 0,
    baseRef: rules.baseBranch.length > 0,
    changedFiles: rules.filesToIgnore.length > 0
  };
}

/** Labels and patterns, quoted; a long list (a pull request may carry thousands of labels) is cut. */
function quoteList(items: string[]): string {
  return cutList(items.map((item) => `"${item}"`));
}

/** Decides from the pull request's facts whether to skip; the first rule that applies wins. */
export function findSkip(facts: RuleFacts, rules: Rules): Skip | undefined {
  if (rules.skipMarker !== '' && facts.commitMessage?.includes(rules.skipMarker)) {
    return {
      reason: 'skip-marker',
      level: 'notice',
      message: `Skipped: the last commit message contains "${rules.skipMarker}".`
    };
  }
  if (rules.requireLabel.length > 0) {
    const wanted = new Set(rules.requireLabel.map((label) => label.toLowerCase()));
    const labels = facts.labels ?? [];
    if (!labels.some((label) => wanted.has(label.toLowerCase()))) {
      return {
        reason: 'missing-label',
        level: 'notice',
        message: `Skipped: the pull request has none of the labels ${quoteList(rules.requireLabel)} (it has ${
          labels.length > 0 ? quoteList(labels) : 'no labels'
        }).`
      };
    }
  }
  if (rules.baseBranch.length > 0) {
    const baseRef = facts.baseRef ?? '';
    if (!picomatch.isMatch(baseRef, rules.baseBranch, { dot: true })) {
      return {
        reason: 'base-branch',
        level: 'notice',
        message: `Skipped: the base branch "${baseRef}" matches none of ${quoteList(rules.baseBranch)}.`
      };
    }
  }
  // Datafold's own rule: run when at least one changed file is not ignored.
  const files = facts.changedFiles;
  if (
    rules.filesToIgnore.length > 0 &&
    files?.complete &&
    files.notIgnored === undefined &&
    files.paths.length > 0
  ) {
    return {
      reason: 'ignored-files',
      level: 'notice',
      message: `Skipped: all ${files.paths.length} files changed by the pull request match "files-to-ignore".`
    };
  }
  return undefined;
}

export function thresholdSkip(diffCount: number, threshold: number | undefined): Skip | undefined {
  if (threshold === undefined || diffCount <= threshold) return undefined;
  return {
    reason: 'threshold',
    level: 'warning',
    message: `Skipped: the diffs have ${diffCount} entries, more than "diff-threshold" (${threshold}). Raise the threshold or diff fewer tables.`
  };
}
