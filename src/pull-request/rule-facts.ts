import { ignoredFilesMatcher } from '../rules/ignored-files.js';
import { factsNeeded, type RuleFacts, type Rules } from '../rules/rules.js';
import { changedFilesUntilNotIgnored } from './changed-files.js';
import type { FactName, PullRequest } from './facts.js';

/**
 * Reads what the enabled rules need, concurrently, and nothing else. The "files-to-ignore"
 * patterns are compiled before anything is asked, so that an invalid one fails the run with no
 * request made for it, whatever the files.
 */
export async function gatherRuleFacts(pr: PullRequest, rules: Rules): Promise<RuleFacts> {
  const needs = factsNeeded(rules);
  const isIgnored = needs.changedFiles ? ignoredFilesMatcher(rules.filesToIgnore) : undefined;
  const fromPull: FactName[] = [];
  if (needs.labels) fromPull.push('labels');
  if (needs.baseRef) fromPull.push('baseRef');
  const [facts, commitMessage, changedFiles] = await Promise.all([
    pr.need(...fromPull),
    needs.commitMessage ? pr.commitMessage() : undefined,
    isIgnored ? changedFilesUntilNotIgnored(pr, isIgnored) : undefined
  ]);
  return { commitMessage, labels: facts.labels, baseRef: facts.baseRef, changedFiles };
}
