export type SkipReason =
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
  requireLabels: string[];
  baseBranches: string[];
  filesToIgnore: string[];
}

export interface ChangedFiles {
  paths: string[];
  /**
   * False when the listing stopped before the pull request's end: at a file that is not
   * ignored, or at GitHub's 3000-file cap.
   */
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
    labels: rules.requireLabels.length > 0,
    baseRef: rules.baseBranches.length > 0,
    changedFiles: rules.filesToIgnore.length > 0
  };
}

function quoteList(items: string[]): string {
  return items.map((item) => `"${item}"`).join(', ');
}

/**
 * Decides from the pull request's facts whether to skip; the first rule that applies wins.
 * The pattern matchers load only for the rules that use them: most workflows set neither,
 * and every start pays for the code it loads.
 */
export async function findSkip(facts: RuleFacts, rules: Rules): Promise<Skip | undefined> {
  if (rules.skipMarker !== '' && facts.commitMessage?.includes(rules.skipMarker)) {
    return {
      reason: 'skip-marker',
      level: 'notice',
      message: `Skipped: the last commit message contains "${rules.skipMarker}".`
    };
  }
  if (rules.requireLabels.length > 0) {
    const wanted = new Set(rules.requireLabels.map((label) => label.toLowerCase()));
    const labels = facts.labels ?? [];
    if (!labels.some((label) => wanted.has(label.toLowerCase()))) {
      return {
        reason: 'missing-label',
        level: 'notice',
        message: `Skipped: the pull request has none of the labels ${quoteList(rules.requireLabels)} (it has ${
          labels.length > 0 ? quoteList(labels) : 'no labels'
        }).`
      };
    }
  }
  if (rules.baseBranches.length > 0) {
    const baseRef = facts.baseRef ?? '';
    const { default: picomatch } = await import('picomatch');
    if (!picomatch.isMatch(baseRef, rules.baseBranches, { dot: true })) {
      return {
        reason: 'base-branch',
        level: 'notice',
        message: `Skipped: the base branch "${baseRef}" matches none of ${quoteList(rules.baseBranches)}.`
      };
    }
  }
  if (
    rules.filesToIgnore.length > 0 &&
    facts.changedFiles &&
    (await allIgnored(facts.changedFiles, rules.filesToIgnore))
  ) {
    return {
      reason: 'ignored-files',
      level: 'notice',
      message: `Skipped: all ${facts.changedFiles.paths.length} files changed by the pull request match "files-to-ignore".`
    };
  }
  return undefined;
}

/**
 * Datafold's own rule: run when at least one changed file is not ignored. The patterns are
 * compiled first, so an invalid one fails the run whatever the files.
 */
async function allIgnored(files: ChangedFiles, patterns: string[]): Promise<boolean> {
  const { ignoredFilesMatcher } = await import('./ignored-files.js');
  const isIgnored = ignoredFilesMatcher(patterns);
  return files.complete && files.paths.length > 0 && files.paths.every(isIgnored);
}

export function thresholdSkip(diffCount: number, threshold: number | undefined): Skip | undefined {
  if (threshold === undefined || diffCount <= threshold) return undefined;
  return {
    reason: 'threshold',
    level: 'warning',
    message: `Skipped: the diffs have ${diffCount} entries, more than "diff-threshold" (${threshold}). Raise the threshold or diff fewer tables.`
  };
}
