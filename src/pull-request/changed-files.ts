import * as core from '@actions/core';
import {
  FILES_PER_PAGE,
  listPullFilesPage,
  type ChangedFile,
  type FilesPage
} from '../github/list-pull-files.js';
import type { ChangedFiles } from '../rules/rules.js';
import { started, type PullRequest } from './facts.js';

/** GitHub's pull request files endpoint lists no more than this. */
export const FILE_LISTING_CAP = 3000;

/** The pull request's changed files, as far as they were listed. */
export interface ChangedFileListing {
  /** In GitHub's order. */
  files: ChangedFile[];
  /** True when every changed file was listed: false past GitHub's cap, or when stopped. */
  complete: boolean;
  /** The pull request's count of changed files when it is over GitHub's cap. */
  overCap?: number;
}

/**
 * The changed files: page 1, then every page left at once, their count known from
 * `changed_files` (the event's, or GET /pulls/{n}'s, asked while page 1 is on its way). With
 * `stopAt`, the listing stops at the first page with a file it accepts (the pages already
 * asked for are not waited for). At most 29 requests run together, a third of what GitHub
 * allows at once. Past GitHub's cap, nothing is listed.
 */
export async function listChangedFiles(
  pr: PullRequest,
  stopAt?: (file: ChangedFile) => boolean
): Promise<ChangedFileListing> {
  const { number, changedFiles } = pr.facts;
  if (changedFiles !== undefined && changedFiles > FILE_LISTING_CAP)
    return { files: [], complete: false, overCap: changedFiles };
  const fileCount = changedFiles ?? started(pr.need('changedFiles').then((f) => f.changedFiles));
  const github = await pr.github();
  const page = (n: number) => listPullFilesPage(github, number, n);
  const first = await page(1);
  const files: ChangedFile[] = [];
  let stopped = false;
  /** Takes a page in; true when it holds a file that stops the listing. */
  const stops = (listed: FilesPage) => {
    files.push(...listed.files);
    stopped ||= stopAt !== undefined && listed.files.some(stopAt);
    return stopped;
  };
  // A copy: pages still on their way when one stopped the listing arrive after the return.
  const partial = () => ({ files: [...files], complete: false });
  if (stops(first)) return partial();
  let last = first;
  let at = 1;
  if (first.more) {
    const total = (await fileCount) ?? 0;
    if (total > FILE_LISTING_CAP) return { files: [], complete: false, overCap: total };
    const rest = Array.from({ length: Math.ceil(total / FILES_PER_PAGE) - 1 }, (_, i) =>
      page(i + 2)
    );
    if (stopAt) {
      // Decided by whichever page shows such a file first.
      if (await anyTrue(rest.map((listing) => listing.then(stops)))) return partial();
    } else {
      // Every page, in the listing's order.
      for (const listed of await Promise.all(rest)) stops(listed);
    }
    if (rest.length > 0) [last, at] = [await rest[rest.length - 1], rest.length + 1];
  }
  // A count older than the listing (commits pushed since the event): the rest page by page.
  while (last.more && at < FILE_LISTING_CAP / FILES_PER_PAGE) {
    last = await page(++at);
    if (stops(last)) return partial();
  }
  return { files, complete: true };
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

/**
 * What "files-to-ignore" rules on, from a listing: the paths (a renamed file under both) and
 * the first one not ignored. Past GitHub's cap the rule cannot skip, and a notice says so.
 */
export function filesForRules(
  listing: ChangedFileListing,
  isIgnored: (path: string) => boolean
): ChangedFiles {
  if (listing.overCap !== undefined) {
    core.notice(
      `The pull request changes ${listing.overCap} files and GitHub lists only the first ${FILE_LISTING_CAP}: "files-to-ignore" cannot rule the rest out, so it does not skip the pull request.`
    );
    return { paths: [], complete: false };
  }
  const paths = listing.files.flatMap(touchedPaths);
  const notIgnored = paths.find((path) => !isIgnored(path));
  return notIgnored === undefined
    ? { paths, complete: listing.complete }
    : { paths, notIgnored, complete: listing.complete };
}

/** Every path a changed file touches: a renamed file counts under its old and new path. */
function touchedPaths({ path, previousPath }: ChangedFile): string[] {
  return previousPath === undefined ? [path] : [previousPath, path];
}

/** A file that "files-to-ignore" does not ignore, under its old or new path, decides. */
export const notIgnored =
  (isIgnored: (path: string) => boolean) =>
  (file: ChangedFile): boolean =>
    touchedPaths(file).some((path) => !isIgnored(path));
