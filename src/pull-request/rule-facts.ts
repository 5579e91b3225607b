import { ignoredFilesMatcher } from '../rules/ignored-files.js';
import { factsNeeded, type RuleFacts, type Rules } from '../rules/rules.js';
import {
  filesForRules,
  listChangedFiles,
  notIgnored,
  type ChangedFileListing
} from './changed-files.js';
import type { FactName, PullRequest } from './facts.js';

/**
 * Reads what the enabled rules need, concurrently, and nothing else. The "files-to-ignore"
 * patterns are compiled before anything is asked, so that an invalid one fails the run with no
 * request made for it, whatever the files. `everyChangedFile`, when discovery lists every
 * changed file anyway, is the listing "files-to-ignore" rules on; without it, the listing
 * stops at the first file that is not ignored.
 */
export async function gatherRuleFacts(
  pr: PullRequest,
  rules: Rules,
  everyChangedFile?: () => Promise<ChangedFileListing>
): Promise<RuleFacts> {
  const needs = factsNeeded(rules);
  const isIgnored = needs.changedFiles ? ignoredFilesMatcher(rules.filesToIgnore) : undefined;
  const fromPull: FactName[] = [];
  if (needs.labels) fromPull.push('labels');
  if (needs.baseRef) fromPull.push('baseRef');
  const listing = isIgnored
    ? (everyChangedFile?.() ?? listChangedFiles(pr, notIgnored(isIgnored)))
    : undefined;
  const [facts, commitMessage, changedFiles] = await Promise.all([
    pr.need(...fromPull),
    needs.commitMessage ? pr.commitMessage() : undefined,
    isIgnored && listing?.then((listed) => filesForRules(listed, isIgnored))
  ]);
  return { commitMessage, labels: facts.labels, baseRef: facts.baseRef, changedFiles };
}
