import * as core from '@actions/core';
import { FILES_PER_PAGE, listPullFilesPage, type FilesPage } from '../github/list-pull-files.js';
import type { ChangedFiles } from '../rules/rules.js';
import { started, type PullRequest } from './facts.js';

/** GitHub's pull request files endpoint lists no more than this. */
const FILE_LISTING_CAP = 3000;

/**
 * The changed files, listed only as far as they decide: page 1, then every page left at once,
 * their count known from `changed_files` (the event's, or GET /pulls/{n}'s, asked while page 1
 * is on its way); the listing stops at the first file that is not ignored. At most 29 requests
 * run together, a third of what GitHub allows at once.
 */
export async function changedFilesUntilNotIgnored(
  pr: PullRequest,
  isIgnored: (path: string) => boolean
): Promise<ChangedFiles> {
  const { number, changedFiles } = pr.facts;
  if (changedFiles !== undefined && changedFiles > FILE_LISTING_CAP)
    return tooManyFiles(changedFiles);
  const fileCount = changedFiles ?? started(pr.need('changedFiles').then((f) => f.changedFiles));
  const github = await pr.github();
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
