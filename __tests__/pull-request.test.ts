import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import * as fakes from '../__fixtures__/github.js';
import { example } from '../__fixtures__/webhook-examples.js';
import type { GitHub } from '../src/github/client.js';
import type { RunnerContext } from '../src/runner-context.js';
import type { Rules } from '../src/rules.js';

jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../src/github/get-pull.js', () => ({ getPull: fakes.getPull }));
jest.unstable_mockModule('../src/github/list-pulls-for-commit.js', () => ({
  listPullsForCommit: fakes.listPullsForCommit
}));
jest.unstable_mockModule('../src/github/get-commit-message.js', () => ({
  getCommitMessage: fakes.getCommitMessage
}));
jest.unstable_mockModule('../src/github/list-pull-files.js', () => ({
  listPullFiles: fakes.listPullFiles
}));
jest.unstable_mockModule('../src/commit-message.js', () => ({
  readLocalCommitMessage: fakes.readLocalCommitMessage
}));

const { findPullRequest, gatherRuleFacts, PullRequestSource } =
  await import('../src/pull-request.js');

const HEAD = '1'.repeat(40);
const github = {} as GitHub;
const noRules: Rules = { skipMarker: '', requireLabels: [], baseBranches: [], filesToIgnore: [] };
const allRules: Rules = {
  skipMarker: 'datafold-skip-ci',
  requireLabels: ['datafold'],
  baseBranches: ['main'],
  filesToIgnore: ['*.md']
};
const live = {
  number: 7,
  headSha: HEAD,
  headRef: 'feature',
  baseSha: '2'.repeat(40),
  baseRef: 'main',
  labels: ['datafold'],
  changedFiles: 2
};

function context(eventName: string, payload: Record<string, unknown>): RunnerContext {
  return {
    eventName,
    payload,
    sha: '9'.repeat(40),
    owner: 'o',
    repo: 'r',
    workspace: '/w',
    serverUrl: 'https://github.com',
    apiUrl: ''
  };
}

let createGitHub: jest.Mock<() => Promise<GitHub>>;
let source: InstanceType<typeof PullRequestSource>;

beforeEach(() => {
  createGitHub = jest.fn(async () => github);
  source = new PullRequestSource(createGitHub, '/w');
  fakes.getPull.mockResolvedValue(live);
  fakes.listPullFiles.mockResolvedValue({ paths: ['models/a.sql', 'README.md'], listed: 2 });
  fakes.getCommitMessage.mockResolvedValue('from the API');
  fakes.readLocalCommitMessage.mockResolvedValue(undefined);
});

describe('findPullRequest', () => {
  it('reads a pull_request event without any GitHub request', async () => {
    const payload = example('pull_request', (p) => p.action === 'opened');
    const search = await findPullRequest(undefined, context('pull_request', payload), source);
    expect(search).toEqual({
      found: expect.objectContaining({ number: payload.pull_request.number })
    });
    expect(createGitHub).not.toHaveBeenCalled();
  });

  it('reads the pr-number input through the API, whatever the event', async () => {
    const search = await findPullRequest(7, context('workflow_dispatch', {}), source);
    expect(search).toEqual({ found: live });
    expect(fakes.getPull).toHaveBeenCalledWith(github, 7);
  });

  it('looks a push up by its commit and keeps the pushed message when the commit is the head', async () => {
    const payload = example('push', (p) => !p.deleted);
    payload.after = HEAD;
    fakes.listPullsForCommit.mockResolvedValue([{ open: true, facts: live }]);
    const search = await findPullRequest(undefined, context('push', payload), source);
    expect(search).toEqual({ found: { ...live, commitMessage: payload.head_commit.message } });
    expect(fakes.listPullsForCommit).toHaveBeenCalledWith(github, HEAD);
    expect(fakes.getPull).not.toHaveBeenCalled();
  });

  it('reports no pull request when the commit has no open one', async () => {
    fakes.listPullsForCommit.mockResolvedValue([{ open: false, facts: live }]);
    const search = await findPullRequest(
      undefined,
      context('workflow_dispatch', example('workflow_dispatch')),
      source
    );
    expect(search).toEqual({ notFound: `no open pull request contains commit ${'9'.repeat(40)}` });
  });
});

describe('gatherRuleFacts', () => {
  const fromEvent = { number: 7, headSha: HEAD, baseRef: 'main', changedFiles: 2 };

  it('makes no request when no rule is enabled', async () => {
    const { ruleFacts } = await gatherRuleFacts(fromEvent, noRules, source);
    expect(ruleFacts).toEqual({
      commitMessage: undefined,
      labels: undefined,
      baseRef: 'main',
      changedFiles: undefined
    });
    expect(createGitHub).not.toHaveBeenCalled();
  });

  it('reads the commit message from the local checkout first', async () => {
    fakes.readLocalCommitMessage.mockResolvedValue('local message');
    const { ruleFacts } = await gatherRuleFacts(fromEvent, { ...noRules, skipMarker: 'x' }, source);
    expect(ruleFacts.commitMessage).toBe('local message');
    expect(fakes.readLocalCommitMessage).toHaveBeenCalledWith(HEAD, '/w');
    expect(createGitHub).not.toHaveBeenCalled();
  });

  it('asks the API for the message when the commit is not checked out', async () => {
    const { ruleFacts } = await gatherRuleFacts(fromEvent, { ...noRules, skipMarker: 'x' }, source);
    expect(ruleFacts.commitMessage).toBe('from the API');
    expect(fakes.getCommitMessage).toHaveBeenCalledWith(github, HEAD);
  });

  it('serves labels, base branch and head SHA with one GET /pulls/{n}, and lists files', async () => {
    const { facts, ruleFacts } = await gatherRuleFacts({ number: 7 }, allRules, source);
    expect(fakes.getPull).toHaveBeenCalledTimes(1);
    expect(fakes.listPullFiles).toHaveBeenCalledTimes(1);
    expect(fakes.getCommitMessage).toHaveBeenCalledWith(github, HEAD);
    expect(ruleFacts).toEqual({
      commitMessage: 'from the API',
      labels: ['datafold'],
      baseRef: 'main',
      changedFiles: { paths: ['models/a.sql', 'README.md'], complete: true }
    });
    expect(facts.headSha).toBe(HEAD);
  });

  it('keeps the event SHA over the live one: it is the commit this run checked out', async () => {
    const { facts } = await gatherRuleFacts(
      { number: 7, headSha: 'a'.repeat(40) },
      { ...noRules, requireLabels: ['x'] },
      source
    );
    expect(facts.headSha).toBe('a'.repeat(40));
    expect(facts.labels).toEqual(['datafold']);
  });

  it('treats a listing cut at 3000 files as incomplete when the pull request has more', async () => {
    fakes.listPullFiles.mockResolvedValue({ paths: Array(3000).fill('a.md'), listed: 3000 });
    const { ruleFacts } = await gatherRuleFacts(
      { ...fromEvent, changedFiles: 3500 },
      { ...noRules, filesToIgnore: ['*.md'] },
      source
    );
    expect(ruleFacts.changedFiles?.complete).toBe(false);
    expect(fakes.getPull).not.toHaveBeenCalled();
    expect(core.notice).toHaveBeenCalledWith(
      'The pull request changes 3500 files and GitHub lists only the first 3000: "files-to-ignore" cannot rule the rest out, so the diffs are submitted.'
    );
  });

  it('asks for the file count only when the listing reached the cap', async () => {
    fakes.listPullFiles.mockResolvedValue({ paths: Array(3000).fill('a.md'), listed: 3000 });
    fakes.getPull.mockResolvedValue({ ...live, changedFiles: 3000 });
    const { ruleFacts } = await gatherRuleFacts(
      { number: 7, headSha: HEAD },
      { ...noRules, filesToIgnore: ['*.md'] },
      source
    );
    expect(ruleFacts.changedFiles?.complete).toBe(true);
    expect(fakes.getPull).toHaveBeenCalledTimes(1);
  });
});
