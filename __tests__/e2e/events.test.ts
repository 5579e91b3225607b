/**
 * Pull request inference (README "How the pull request is found") end to end: GitHub's own example
 * payloads for every event, the bundle run as the runner runs it, and the exact requests
 * the GitHub and Datafold stand-ins saw.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { SYNTHETIC_SHA } from '../../stand-ins/runner.mjs';
import {
  BASE_SHA,
  filesPage,
  expectRun,
  getCommit,
  getPull,
  gitCheckout,
  gitHub,
  HEAD_SHA,
  messages,
  NUMBER,
  pull,
  pullsOfCommit,
  skipped,
  submit,
  submitted,
  withPull
} from './checks.js';
import { payloadFor } from './launch.js';
import { expectFailure } from './run-checks.js';
import { scenario, SUBMITTED_DIFFS } from './scenario.js';

jest.setTimeout(30_000);

const DEFAULT_MARKER = { 'skip-marker': 'datafold-skip-ci' };
const NO_MARKER = { 'skip-marker': '' };
const OTHER_SHA = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';

/** The events whose payload carries the pull request itself, with one GitHub example each. */
const PULL_REQUEST_EVENTS = [
  ['pull_request', 'opened', () => payloadFor('pull_request', (p) => p.action === 'opened')],
  [
    'pull_request',
    'synchronize',
    () => payloadFor('pull_request', (p) => p.action === 'synchronize')
  ],
  // GitHub sends pull_request_target the pull_request payload; the examples have none of its own.
  ['pull_request_target', 'opened', () => payloadFor('pull_request', (p) => p.action === 'opened')],
  [
    'pull_request_review',
    'submitted',
    () => payloadFor('pull_request_review', (p) => p.action === 'submitted')
  ],
  [
    'pull_request_review_comment',
    'created',
    () => payloadFor('pull_request_review_comment', (p) => p.action === 'created')
  ]
] as const;

describe.each(PULL_REQUEST_EVENTS)('%s (%s)', (eventName, _action, example) => {
  it.concurrent(
    'submits for the payload’s pull request, with no GitHub request when the skip marker is off',
    async () => {
      const run = await scenario({
        eventName,
        payload: withPull(example()),
        github: gitHub(),
        inputs: NO_MARKER
      });
      // head-sha is the payload's head, not GITHUB_SHA (the launcher's synthetic merge commit).
      expectRun(run, { outputs: submitted(), datafold: [submit()], github: [] });
      expect(run.datafold.requests[0].json).toEqual(SUBMITTED_DIFFS);
    }
  );

  it.concurrent(
    'reads the head commit message with one GitHub request when there is no checkout',
    async () => {
      const run = await scenario({
        eventName,
        payload: withPull(example()),
        github: gitHub(),
        inputs: DEFAULT_MARKER
      });
      expectRun(run, { outputs: submitted(), datafold: [submit()], github: [getCommit(HEAD_SHA)] });
    }
  );
});

describe('the head commit in a local checkout', () => {
  it.concurrent('is read from the checkout, so GitHub is not asked', async () => {
    const checkout = await gitCheckout('Add the orders model\n\nWith a primary key.');
    try {
      const head = { sha: checkout.sha, ref: 'feature/orders' };
      const run = await scenario({
        eventName: 'pull_request',
        payload: withPull(
          payloadFor('pull_request', (p) => p.action === 'synchronize'),
          pull({ head })
        ),
        github: gitHub([pull({ head })]),
        inputs: DEFAULT_MARKER,
        workspace: checkout.dir
      });
      expectRun(run, {
        outputs: submitted({ 'head-sha': checkout.sha }),
        datafold: [submit()],
        github: []
      });
    } finally {
      await checkout.rm();
    }
  });

  it.concurrent('is not the head of a checkout that lacks it: GitHub is asked', async () => {
    // A checkout of another commit (e.g. the merge commit) must not stand in for the head.
    const checkout = await gitCheckout('Merge abc into def');
    try {
      const run = await scenario({
        eventName: 'pull_request',
        payload: withPull(payloadFor('pull_request', (p) => p.action === 'opened')),
        github: gitHub([pull()], { [HEAD_SHA]: 'Fix\n\ndatafold-skip-ci' }),
        inputs: DEFAULT_MARKER,
        workspace: checkout.dir
      });
      expectRun(run, {
        outputs: skipped('skip-marker', { 'pr-number': '42', 'head-sha': HEAD_SHA }),
        datafold: [],
        github: [getCommit(HEAD_SHA)]
      });
    } finally {
      await checkout.rm();
    }
  });
});

describe('issue_comment', () => {
  const comment = (onPullRequest: boolean) => {
    const payload = payloadFor('issue_comment', (p) => p.action === 'created');
    payload.issue.number = NUMBER;
    if (onPullRequest) {
      Object.assign(payload.issue, {
        pull_request: {
          url: `https://api.github.com/repos/owner/repo/pulls/${NUMBER}`,
          html_url: `https://github.com/owner/repo/pull/${NUMBER}`,
          diff_url: `https://github.com/owner/repo/pull/${NUMBER}.diff`,
          patch_url: `https://github.com/owner/repo/pull/${NUMBER}.patch`,
          merged_at: null
        }
      });
    }
    return payload;
  };

  it.concurrent(
    'on a pull request submits for the issue number, asking GitHub nothing it does not need',
    async () => {
      const run = await scenario({
        eventName: 'issue_comment',
        payload: comment(true),
        github: gitHub(),
        inputs: NO_MARKER
      });
      // No rule needs the head commit, so it is not looked up.
      expectRun(run, { outputs: submitted({ 'head-sha': '' }), datafold: [submit()], github: [] });
    }
  );

  it.concurrent(
    'on a pull request reads the head through the API for the skip marker',
    async () => {
      const run = await scenario({
        eventName: 'issue_comment',
        payload: comment(true),
        github: gitHub(),
        inputs: DEFAULT_MARKER
      });
      expectRun(run, {
        outputs: submitted(),
        datafold: [submit()],
        github: [getPull(), getCommit(HEAD_SHA)]
      });
    }
  );

  it.concurrent('on a plain issue is skipped with no request anywhere', async () => {
    const run = await scenario({
      eventName: 'issue_comment',
      payload: comment(false),
      github: gitHub(),
      inputs: DEFAULT_MARKER
    });
    expectRun(run, { outputs: skipped('no-pull-request'), datafold: [], github: [] });
    expect(messages(run, 'notice')).toEqual([
      'Skipped: the comment is on an issue, not on a pull request.'
    ]);
  });
});

describe('merge_group', () => {
  // GitHub's example: refs/heads/gh-readonly-queue/main/pr-104-929f8209….
  const payload = () => payloadFor('merge_group');
  const pr104 = pull({ number: 104 });

  it.concurrent('submits for the pr-<N>- of the queue branch', async () => {
    const run = await scenario({
      eventName: 'merge_group',
      payload: payload(),
      github: gitHub([pr104]),
      inputs: NO_MARKER
    });
    expectRun(run, {
      outputs: submitted({ 'pr-number': '104', 'head-sha': '' }),
      datafold: [submit(104)],
      github: []
    });
  });

  it.concurrent(
    'reads the pull request head, not the queue commit, for the skip marker',
    async () => {
      const run = await scenario({
        eventName: 'merge_group',
        payload: payload(),
        github: gitHub([pr104]),
        inputs: DEFAULT_MARKER
      });
      expectRun(run, {
        outputs: submitted({ 'pr-number': '104' }),
        datafold: [submit(104)],
        github: [getPull(104), getCommit(HEAD_SHA)]
      });
    }
  );
});

describe('workflow_run', () => {
  /** The `completed` example that lists pull request #2; moved to PR #42 at `headSha`. */
  const payload = (headSha: string) => {
    const event = payloadFor(
      'workflow_run',
      (p) => p.action === 'completed' && p.workflow_run.pull_requests.length > 0
    );
    const run = event.workflow_run;
    Object.assign(run.pull_requests[0], { number: NUMBER });
    Object.assign(run.pull_requests[0].head, { sha: HEAD_SHA });
    Object.assign(run.pull_requests[0].base, { sha: BASE_SHA });
    Object.assign(run, { head_sha: headSha });
    Object.assign(run.head_commit, { id: headSha, message: 'Add the orders model' });
    return event;
  };

  it.concurrent(
    'takes pull_requests[0], and its head commit message from the payload',
    async () => {
      const run = await scenario({
        eventName: 'workflow_run',
        payload: payload(HEAD_SHA),
        github: gitHub(),
        inputs: DEFAULT_MARKER
      });
      expectRun(run, { outputs: submitted(), datafold: [submit()], github: [] });
    }
  );

  it.concurrent(
    'asks GitHub for the message when the run is of another commit than the head',
    async () => {
      const run = await scenario({
        eventName: 'workflow_run',
        payload: payload('3484a3fb816e0859fd6e1cea078d76385ff50625'),
        github: gitHub(),
        inputs: DEFAULT_MARKER
      });
      expectRun(run, { outputs: submitted(), datafold: [submit()], github: [getCommit(HEAD_SHA)] });
    }
  );

  it.concurrent(
    'from a fork (no pull_requests) looks the pull request up by head_sha',
    async () => {
      const event = payload(HEAD_SHA);
      event.workflow_run.pull_requests = [];
      const run = await scenario({
        eventName: 'workflow_run',
        payload: event,
        github: gitHub(),
        inputs: DEFAULT_MARKER
      });
      expectRun(run, {
        outputs: submitted(),
        datafold: [submit()],
        github: [pullsOfCommit(HEAD_SHA)]
      });
    }
  );
});

describe('push', () => {
  /** GitHub's push example, moved to a branch whose head is `after`. */
  const push = (message = 'Add the orders model', after = HEAD_SHA) => {
    const event = payloadFor('push', (p) => !p.deleted && p.head_commit !== null);
    Object.assign(event, { ref: 'refs/heads/feature/orders', after });
    Object.assign(event.head_commit ?? {}, { id: after, message });
    return event;
  };

  it.concurrent('finds the open pull request whose head is the pushed commit', async () => {
    const run = await scenario({
      eventName: 'push',
      payload: push(),
      // #41 also contains the commit, but its head is elsewhere: #42 is the one.
      github: gitHub([
        pull({ number: 41, head: { sha: BASE_SHA, ref: 'older' }, shas: [HEAD_SHA] }),
        pull()
      ]),
      inputs: DEFAULT_MARKER
    });
    // The pushed head_commit.message serves the skip marker: no GET /commits/{sha}.
    expectRun(run, {
      outputs: submitted(),
      datafold: [submit()],
      github: [pullsOfCommit(HEAD_SHA)]
    });
  });

  it.concurrent('is skipped by a skip marker in the pushed head_commit.message', async () => {
    const run = await scenario({
      eventName: 'push',
      payload: push('Tidy up\n\ndatafold-skip-ci'),
      github: gitHub(),
      inputs: DEFAULT_MARKER
    });
    expectRun(run, {
      outputs: skipped('skip-marker', { 'pr-number': '42', 'head-sha': HEAD_SHA }),
      datafold: [],
      github: [pullsOfCommit(HEAD_SHA)]
    });
  });

  it.concurrent('with no open pull request is skipped (closed ones do not count)', async () => {
    const run = await scenario({
      eventName: 'push',
      payload: push(),
      github: gitHub([pull({ state: 'closed' })]),
      inputs: DEFAULT_MARKER
    });
    expectRun(run, {
      outputs: skipped('no-pull-request'),
      datafold: [],
      github: [pullsOfCommit(HEAD_SHA)]
    });
    expect(messages(run, 'notice')).toEqual([
      `Skipped: no open pull request contains commit ${HEAD_SHA}.`
    ]);
  });

  it.concurrent('deleting a branch is skipped with no request anywhere', async () => {
    const event = payloadFor('push', (p) => p.deleted);
    const run = await scenario({ eventName: 'push', payload: event, github: gitHub() });
    expectRun(run, { outputs: skipped('no-pull-request'), datafold: [], github: [] });
    expect(messages(run, 'notice')).toEqual(['Skipped: the push deleted a branch.']);
  });
});

describe('workflow_dispatch', () => {
  const dispatch = () => payloadFor('workflow_dispatch');

  it.concurrent('with "pr-number" reads that pull request', async () => {
    const run = await scenario({
      eventName: 'workflow_dispatch',
      payload: dispatch(),
      github: gitHub(),
      inputs: { ...NO_MARKER, 'pr-number': '42' }
    });
    expectRun(run, { outputs: submitted(), datafold: [submit()], github: [getPull()] });
  });

  it.concurrent(
    'with "pr-number" and the skip marker reads the pull request, then its head',
    async () => {
      const run = await scenario({
        eventName: 'workflow_dispatch',
        payload: dispatch(),
        github: gitHub(),
        inputs: { ...DEFAULT_MARKER, 'pr-number': '42' }
      });
      expectRun(run, {
        outputs: submitted(),
        datafold: [submit()],
        github: [getPull(), getCommit(HEAD_SHA)]
      });
    }
  );

  it.concurrent('without "pr-number" looks the pull request up by GITHUB_SHA', async () => {
    // The dispatched commit (GITHUB_SHA) is the head of PR #42.
    const head = { sha: SYNTHETIC_SHA, ref: 'feature/orders' };
    const run = await scenario({
      eventName: 'workflow_dispatch',
      payload: dispatch(),
      github: gitHub([pull({ head })]),
      inputs: NO_MARKER
    });
    expectRun(run, {
      outputs: submitted({ 'head-sha': SYNTHETIC_SHA }),
      datafold: [submit()],
      github: [pullsOfCommit(SYNTHETIC_SHA)]
    });
  });

  it.concurrent('without "pr-number" and no pull request for GITHUB_SHA is skipped', async () => {
    const run = await scenario({
      eventName: 'workflow_dispatch',
      payload: dispatch(),
      github: gitHub(),
      inputs: NO_MARKER
    });
    expectRun(run, {
      outputs: skipped('no-pull-request'),
      datafold: [],
      github: [pullsOfCommit(SYNTHETIC_SHA)]
    });
  });
});

it.concurrent('"pr-number" overrides the pull request of a pull_request event', async () => {
  const seven = pull({ number: 7, head: { sha: OTHER_SHA, ref: 'other' } });
  const run = await scenario({
    eventName: 'pull_request',
    payload: withPull(payloadFor('pull_request', (p) => p.action === 'opened')),
    github: gitHub([pull(), seven]),
    inputs: { ...NO_MARKER, 'pr-number': '7' }
  });
  expectRun(run, {
    outputs: submitted({ 'pr-number': '7', 'head-sha': OTHER_SHA }),
    datafold: [submit(7)],
    github: [getPull(7)]
  });
});

describe('a GitHub answer of the wrong shape', () => {
  const comment = () => {
    const payload = payloadFor('issue_comment', (p) => p.action === 'created');
    Object.assign(payload.issue, { number: NUMBER, pull_request: { url: 'x', html_url: 'y' } });
    return payload;
  };

  it.concurrent.each([
    {
      name: 'a pull request without head, base, labels or file count',
      kind: 'pull',
      json: { number: NUMBER, head: null },
      request: getPull(),
      message: `GitHub's answer to GET /repos/owner/repo/pulls/${NUMBER} has no head.sha, base.ref, labels, changed_files`
    },
    {
      name: 'a files listing that is not a list',
      kind: 'files',
      json: { files: [] },
      request: filesPage(1),
      message: `GitHub's answer to GET /repos/owner/repo/pulls/${NUMBER}/files is not a list of files`
    },
    {
      name: 'a files listing with a nameless file',
      kind: 'files',
      json: [null],
      request: filesPage(1),
      message: `GitHub's answer to GET /repos/owner/repo/pulls/${NUMBER}/files lists a file with no filename`
    }
  ])('fails naming the request: $name', async ({ kind, json, request, message }) => {
    const run = await scenario({
      eventName: 'issue_comment',
      payload: comment(),
      github: gitHub(),
      inputs: kind === 'pull' ? { 'base-branch': 'main' } : { 'files-to-ignore': 'docs/' },
      faults: { github: [{ match: kind, fault: { json } }] }
    });
    expectFailure(run.result, [message, 'check that GITHUB_API_URL points at']);
    expect(run.github.requests.map(({ path }) => `GET ${path}`)).toContain(request);
    expect(run.datafold.requests).toEqual([]);
  });

  it.concurrent('fails naming the request: a commit without its message', async () => {
    const run = await scenario({
      eventName: 'pull_request',
      payload: withPull(payloadFor('pull_request', (p) => p.action === 'opened')),
      github: gitHub(),
      inputs: DEFAULT_MARKER,
      faults: { github: [{ match: 'commit', fault: { json: { sha: HEAD_SHA, commit: null } } }] }
    });
    expectFailure(run.result, [
      `GitHub's answer to GET /repos/owner/repo/commits/${HEAD_SHA} has no commit.message`
    ]);
    expect(run.datafold.requests).toEqual([]);
  });

  it.concurrent('fails naming the request: a pull request lookup that is not a list', async () => {
    const run = await scenario({
      eventName: 'workflow_dispatch',
      payload: payloadFor('workflow_dispatch'),
      github: gitHub(),
      faults: { github: [{ match: 'commit-pulls', fault: { json: null } }] }
    });
    expectFailure(run.result, [
      `GitHub's answer to GET /repos/owner/repo/commits/${SYNTHETIC_SHA}/pulls is not a list of pull requests`
    ]);
  });
});
