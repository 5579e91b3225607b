import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import * as fakes from '../__fixtures__/github.js';
import { example } from '../__fixtures__/webhook-examples.js';
import { ActionError } from '../src/runtime/errors.js';
import type { GitHub } from '../src/github/client.js';
import type { PullRequestFacts } from '../src/github/pull.js';
import type { RunnerContext } from '../src/runtime/runner-context.js';
import type { Rules } from '../src/rules/rules.js';

jest.unstable_mockModule('@actions/core', () => core);
jest.unstable_mockModule('../src/github/get-pull.js', () => ({ getPull: fakes.getPull }));
jest.unstable_mockModule('../src/github/list-pulls-for-commit.js', () => ({
  listPullsForCommit: fakes.listPullsForCommit
}));
jest.unstable_mockModule('../src/github/get-commit-message.js', () => ({
  getCommitMessage: fakes.getCommitMessage
}));
jest.unstable_mockModule('../src/github/list-pull-files.js', () => ({
  FILES_PER_PAGE: 100,
  listPullFilesPage: fakes.listPullFilesPage
}));
jest.unstable_mockModule('../src/pull-request/commit-message.js', () => ({
  readLocalCommitMessage: fakes.readLocalCommitMessage
}));

const { PullRequest } = await import('../src/pull-request/facts.js');
const { findPullRequest } = await import('../src/pull-request/find.js');
const { gatherRuleFacts } = await import('../src/pull-request/rule-facts.js');
const { listChangedFiles } = await import('../src/pull-request/changed-files.js');

const HEAD = '1'.repeat(40);
const github = {} as GitHub;
const noRules: Rules = { skipMarker: '', requireLabel: [], baseBranch: [], filesToIgnore: [] };
const allRules: Rules = {
  skipMarker: 'datafold-skip-ci',
  requireLabel: ['datafold'],
  baseBranch: ['main'],
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

const fromEvent = { number: 7, headSha: HEAD, baseRef: 'main', changedFiles: 2 };

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
const pullRequest = (facts: PullRequestFacts) => new PullRequest(facts, createGitHub, '/w');

beforeEach(() => {
  createGitHub = jest.fn(async () => github);
  fakes.getPull.mockResolvedValue(live);
  fakes.listPullFilesPage.mockResolvedValue(fakes.filesPage(['models/a.sql', 'README.md'], false));
  fakes.getCommitMessage.mockResolvedValue('from the API');
  fakes.readLocalCommitMessage.mockResolvedValue(undefined);
});

describe('findPullRequest', () => {
  it('reads a pull_request event without any GitHub request', async () => {
    const payload = example('pull_request', (p) => p.action === 'opened');
    const search = await findPullRequest(undefined, context('pull_request', payload), createGitHub);
    expect('found' in search && search.found.facts).toEqual(
      expect.objectContaining({
        number: payload.pull_request.number,
        headSha: payload.pull_request.head.sha
      })
    );
    expect(createGitHub).not.toHaveBeenCalled();
  });

  it('reads the pr-number input through the API, whatever the event', async () => {
    const search = await findPullRequest(7, context('workflow_dispatch', {}), createGitHub);
    expect('found' in search && search.found.facts).toEqual(live);
    expect(fakes.getPull).toHaveBeenCalledWith(github, 7);
  });

  it('looks a push up by its commit and keeps the pushed message when the commit is the head', async () => {
    const payload = example('push', (p) => !p.deleted);
    payload.after = HEAD;
    fakes.listPullsForCommit.mockResolvedValue([{ open: true, facts: live }]);
    const search = await findPullRequest(undefined, context('push', payload), createGitHub);
    expect('found' in search && search.found.facts).toEqual({
      ...live,
      commitMessage: payload.head_commit.message
    });
    expect(fakes.listPullsForCommit).toHaveBeenCalledWith(github, HEAD);
    expect(fakes.getPull).not.toHaveBeenCalled();
  });

  it('reports no pull request when the commit has no open one', async () => {
    fakes.listPullsForCommit.mockResolvedValue([{ open: false, facts: live }]);
    const search = await findPullRequest(
      undefined,
      context('workflow_dispatch', example('workflow_dispatch')),
      createGitHub
    );
    expect(search).toEqual({ notFound: `no open pull request contains commit ${'9'.repeat(40)}` });
  });
});

describe('PullRequest', () => {
  it('asks GET /pulls/{n} once, however many facts are needed and however often', async () => {
    const pr = pullRequest({ number: 7 });
    await Promise.all([pr.need('labels'), pr.need('baseRef', 'headSha'), pr.need('changedFiles')]);
    await pr.need('labels');
    expect(fakes.getPull).toHaveBeenCalledTimes(1);
    expect(pr.facts).toEqual(live);
  });

  it('asks nothing when the event told every fact needed', async () => {
    const pr = pullRequest(fromEvent);
    await expect(pr.need('headSha', 'baseRef')).resolves.toEqual(fromEvent);
    expect(createGitHub).not.toHaveBeenCalled();
  });

  it('says what cannot be done without the head commit', async () => {
    fakes.getPull.mockResolvedValue({ number: 7 });
    await expect(
      pullRequest({ number: 7 }).headSha('the run cannot be waited for')
    ).rejects.toThrow('The pull request head commit is unknown, so the run cannot be waited for.');
  });
});

describe('gatherRuleFacts', () => {
  it('makes no request when no rule is enabled', async () => {
    const ruleFacts = await gatherRuleFacts(pullRequest(fromEvent), noRules);
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
    const ruleFacts = await gatherRuleFacts(pullRequest(fromEvent), {
      ...noRules,
      skipMarker: 'x'
    });
    expect(ruleFacts.commitMessage).toBe('local message');
    expect(fakes.readLocalCommitMessage).toHaveBeenCalledWith(HEAD, '/w');
    expect(createGitHub).not.toHaveBeenCalled();
  });

  it('asks the API for the message when the commit is not checked out', async () => {
    const ruleFacts = await gatherRuleFacts(pullRequest(fromEvent), {
      ...noRules,
      skipMarker: 'x'
    });
    expect(ruleFacts.commitMessage).toBe('from the API');
    expect(fakes.getCommitMessage).toHaveBeenCalledWith(github, HEAD);
  });

  it('serves labels, base branch and head SHA with one GET /pulls/{n}, and lists files', async () => {
    const pr = pullRequest({ number: 7 });
    const ruleFacts = await gatherRuleFacts(pr, allRules);
    expect(fakes.getPull).toHaveBeenCalledTimes(1);
    expect(fakes.listPullFilesPage.mock.calls).toEqual([[github, 7, 1]]);
    expect(fakes.getCommitMessage).toHaveBeenCalledWith(github, HEAD);
    expect(ruleFacts).toEqual({
      commitMessage: 'from the API',
      labels: ['datafold'],
      baseRef: 'main',
      changedFiles: {
        paths: ['models/a.sql', 'README.md'],
        notIgnored: 'models/a.sql',
        complete: false
      }
    });
    expect(pr.facts.headSha).toBe(HEAD);
  });

  it('starts git on the head commit before GitHub has answered anything', async () => {
    const pull = deferred<typeof live>();
    fakes.getPull.mockReturnValue(pull.promise);
    const gathering = gatherRuleFacts(pullRequest(fromEvent), allRules);
    await settle();
    expect(fakes.readLocalCommitMessage).toHaveBeenCalledWith(HEAD, '/w');
    pull.resolve(live);
    await gathering;
  });

  it('keeps the event SHA over the live one: it is the commit this run checked out', async () => {
    const pr = pullRequest({ number: 7, headSha: 'a'.repeat(40) });
    await gatherRuleFacts(pr, { ...noRules, requireLabel: ['x'] });
    expect(pr.facts.headSha).toBe('a'.repeat(40));
    expect(pr.facts.labels).toEqual(['datafold']);
  });
});

describe('gatherRuleFacts: files-to-ignore', () => {
  const docsOnly = { ...noRules, filesToIgnore: ['docs/'] };
  const docs = (from: number) => Array.from({ length: 100 }, (_, i) => `docs/page-${from + i}.md`);
  const pages = (count: number) =>
    fakes.listPullFilesPage.mockImplementation(async (_github, _number, page) =>
      fakes.filesPage(docs(page * 100), page < count)
    );

  it('stops at page 1 when it shows a file that is not ignored', async () => {
    fakes.listPullFilesPage.mockResolvedValue(fakes.filesPage(['docs/a.md', 'models/a.sql'], true));
    const ruleFacts = await gatherRuleFacts(
      pullRequest({ ...fromEvent, changedFiles: 250 }),
      docsOnly
    );
    expect(ruleFacts.changedFiles).toEqual({
      paths: ['docs/a.md', 'models/a.sql'],
      notIgnored: 'models/a.sql',
      complete: false
    });
    expect(fakes.listPullFilesPage).toHaveBeenCalledTimes(1);
  });

  it('after page 1, asks for every page the count says at once, then decides', async () => {
    pages(3);
    const ruleFacts = await gatherRuleFacts(
      pullRequest({ ...fromEvent, changedFiles: 250 }),
      docsOnly
    );
    expect(fakes.listPullFilesPage.mock.calls.map(([, , page]) => page)).toEqual([1, 2, 3]);
    expect(ruleFacts.changedFiles?.complete).toBe(true);
    expect(ruleFacts.changedFiles?.paths).toHaveLength(300);
    expect(fakes.getPull).not.toHaveBeenCalled();
  });

  it('does not wait for the other pages once one decides', async () => {
    const page2 = deferred<ReturnType<typeof fakes.filesPage>>();
    fakes.listPullFilesPage.mockImplementation(async (_github, _number, page) =>
      page === 1
        ? fakes.filesPage(docs(0), true)
        : page === 2
          ? page2.promise
          : fakes.filesPage(['models/orders.sql'], false)
    );
    const ruleFacts = await gatherRuleFacts(
      pullRequest({ ...fromEvent, changedFiles: 201 }),
      docsOnly
    );
    const changed = ruleFacts.changedFiles;
    expect(changed).toEqual({
      paths: [...docs(0), 'models/orders.sql'],
      notIgnored: 'models/orders.sql',
      complete: false
    });
    page2.resolve(fakes.filesPage(docs(100), true));
    await settle();
    // A page that comes after the decision leaves the facts as they were.
    expect(changed?.paths).toHaveLength(101);
  });

  it('without a count in the event, asks GET /pulls/{n} for it while page 1 is listed', async () => {
    pages(2);
    fakes.getPull.mockResolvedValue({ ...live, changedFiles: 200 });
    const page1 = deferred<ReturnType<typeof fakes.filesPage>>();
    fakes.listPullFilesPage.mockReturnValueOnce(page1.promise);
    const gathering = gatherRuleFacts(pullRequest({ number: 7, headSha: HEAD }), docsOnly);
    await settle();
    expect(fakes.getPull).toHaveBeenCalledTimes(1);
    page1.resolve(fakes.filesPage(docs(0), true));
    const ruleFacts = await gathering;
    expect(fakes.listPullFilesPage.mock.calls.map(([, , page]) => page)).toEqual([1, 2]);
    expect(ruleFacts.changedFiles?.complete).toBe(true);
  });

  it('follows the links page by page when the count is older than the listing', async () => {
    pages(3);
    const ruleFacts = await gatherRuleFacts(
      pullRequest({ ...fromEvent, changedFiles: 150 }),
      docsOnly
    );
    expect(fakes.listPullFilesPage.mock.calls.map(([, , page]) => page)).toEqual([1, 2, 3]);
    expect(ruleFacts.changedFiles).toEqual({
      paths: [...docs(100), ...docs(200), ...docs(300)],
      complete: true
    });
  });

  it('lists nothing when the pull request changes more files than GitHub lists', async () => {
    const ruleFacts = await gatherRuleFacts(
      pullRequest({ ...fromEvent, changedFiles: 3500 }),
      docsOnly
    );
    expect(ruleFacts.changedFiles).toEqual({ paths: [], complete: false });
    expect(fakes.listPullFilesPage).not.toHaveBeenCalled();
    expect(fakes.getPull).not.toHaveBeenCalled();
    expect(core.notice).toHaveBeenCalledWith(
      'The pull request changes 3500 files and GitHub lists only the first 3000: "files-to-ignore" cannot rule the rest out, so it does not skip the pull request.'
    );
  });

  it("follows Datafold's own example: the dbt folder, without its .md files", async () => {
    const dbt = { ...noRules, filesToIgnore: ['*', '!dbt/*', 'dbt/*.md'] };
    const listed = async (...paths: string[]) => {
      fakes.listPullFilesPage.mockResolvedValue(fakes.filesPage(paths, false));
      return (await gatherRuleFacts(pullRequest(fromEvent), dbt)).changedFiles;
    };
    expect(await listed('dbt/README.md', 'airflow/dag.py')).toEqual({
      paths: ['dbt/README.md', 'airflow/dag.py'],
      notIgnored: undefined,
      complete: true
    });
    expect((await listed('dbt/README.md', 'dbt/models/orders.sql'))?.notIgnored).toBe(
      'dbt/models/orders.sql'
    );
  });

  it.each([
    ['when page 1 would decide', 2],
    ['when GitHub could not list them all', 3500]
  ])(
    'fails on an invalid pattern before any request or git, whatever the files: %s',
    async (_, changedFiles) => {
      const rules = { ...allRules, filesToIgnore: ['docs/', '!'] };
      await expect(
        gatherRuleFacts(pullRequest({ number: 7, changedFiles }), rules)
      ).rejects.toStrictEqual(
        new ActionError(
          'Input "files-to-ignore": "!" has nothing after "!": write "\\!" for a file named "!".'
        )
      );
      expect(createGitHub).not.toHaveBeenCalled();
      expect(fakes.readLocalCommitMessage).not.toHaveBeenCalled();
    }
  );

  it('stops after page 1 when GET /pulls/{n} counts more files than GitHub lists', async () => {
    pages(30);
    fakes.getPull.mockResolvedValue({ ...live, changedFiles: 3001 });
    const ruleFacts = await gatherRuleFacts(pullRequest({ number: 7, headSha: HEAD }), docsOnly);
    expect(ruleFacts.changedFiles?.complete).toBe(false);
    expect(fakes.listPullFilesPage).toHaveBeenCalledTimes(1);
    expect(core.notice).toHaveBeenCalledTimes(1);
  });
});

describe('listChangedFiles: every page, for discovery', () => {
  const page = (n: number) => Array.from({ length: 100 }, (_, i) => `models/m${n}-${i}.sql`);

  it("lists every page in order, with each file's status and previous path", async () => {
    const renamed = { path: 'models/new.sql', status: 'renamed', previousPath: 'models/old.sql' };
    const page2 = deferred<ReturnType<typeof fakes.filesPage>>();
    fakes.listPullFilesPage.mockImplementation(async (_github, _number, n) =>
      n === 1
        ? fakes.filesPage(page(1), true)
        : n === 2
          ? page2.promise
          : { files: [renamed], more: false }
    );
    const listing = listChangedFiles(pullRequest({ ...fromEvent, changedFiles: 201 }));
    await settle();
    // Page 3 is in; page 2 is not: the listing waits for it, and keeps the pages' order.
    page2.resolve(fakes.filesPage(page(2), true));
    const { files, complete } = await listing;
    expect(complete).toBe(true);
    expect(files.map((file) => file.path)).toEqual([...page(1), ...page(2), 'models/new.sql']);
    expect(files.at(-1)).toEqual(renamed);
    expect(fakes.listPullFilesPage.mock.calls.map(([, , n]) => n)).toEqual([1, 2, 3]);
  });

  it("lists nothing past GitHub's cap, and says how many files there are", async () => {
    await expect(
      listChangedFiles(pullRequest({ ...fromEvent, changedFiles: 3001 }))
    ).resolves.toEqual({ files: [], complete: false, overCap: 3001 });
    expect(fakes.listPullFilesPage).not.toHaveBeenCalled();
  });

  it('serves "files-to-ignore" from the same listing when discovery lists every file', async () => {
    const everyFile = jest.fn(async () => ({
      files: [
        { path: 'docs/a.md', status: 'modified' },
        { path: 'models/b.sql', status: 'renamed', previousPath: 'docs/b.md' }
      ],
      complete: true
    }));
    const ruleFacts = await gatherRuleFacts(
      pullRequest(fromEvent),
      { ...noRules, filesToIgnore: ['docs/'] },
      everyFile
    );
    expect(ruleFacts.changedFiles).toEqual({
      paths: ['docs/a.md', 'docs/b.md', 'models/b.sql'],
      notIgnored: 'models/b.sql',
      complete: true
    });
    expect(everyFile).toHaveBeenCalledTimes(1);
    expect(fakes.listPullFilesPage).not.toHaveBeenCalled();
  });

  it('does not list the files for rules that do not need them', async () => {
    const everyFile = jest.fn(async () => ({ files: [], complete: true }));
    await gatherRuleFacts(pullRequest(fromEvent), noRules, everyFile);
    expect(everyFile).not.toHaveBeenCalled();
  });
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));
