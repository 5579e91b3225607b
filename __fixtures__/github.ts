import { jest } from '@jest/globals';
import type { getCommitMessage as GetCommitMessage } from '../src/github/get-commit-message.js';
import type { getPull as GetPull } from '../src/github/get-pull.js';
import type { listPullFilesPage as ListPullFilesPage } from '../src/github/list-pull-files.js';
import type { listPullsForCommit as ListPullsForCommit } from '../src/github/list-pulls-for-commit.js';
import type { readLocalCommitMessage as ReadLocalCommitMessage } from '../src/pull-request/commit-message.js';

/** Typed fakes of the one-call-per-file GitHub modules and of the local git read. */
export const getPull = jest.fn<typeof GetPull>();
export const listPullsForCommit = jest.fn<typeof ListPullsForCommit>();
export const getCommitMessage = jest.fn<typeof GetCommitMessage>();
export const listPullFilesPage = jest.fn<typeof ListPullFilesPage>();
export const readLocalCommitMessage = jest.fn<typeof ReadLocalCommitMessage>();

/** A page of a pull request's files as listPullFilesPage gives it: each path modified. */
export const filesPage = (paths: string[], more: boolean) => ({
  files: paths.map((path) => ({ path, status: 'modified' })),
  more
});
