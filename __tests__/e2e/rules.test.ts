/**
 * The skip rules (and the inputs that drive them) end to end:
 * each rule's skipped-reason and notice, no Datafold request on a skip, and the GitHub
 * requests each rule costs (README "API economy").
 */
import { describe, expect, it, jest } from '@jest/globals';
import type { GitHubOptions } from '../../stand-ins/github.mjs';
import {
  expectRun,
  filesPage,
  getCommit,
  getPull,
  gitCheckout,
  gitHub,
  HEAD_SHA,
  messages,
  NUMBER,
  pull,
  skipped,
  submit,
  submitted,
  withPull
} from './checks.js';
import { payloadFor } from './launch.js';
import { scenario, SUBMITTED_DIFFS, type Scenario } from './scenario.js';

jest.setTimeout(30_000);

type PullSpec = NonNullable<GitHubOptions['pulls']>[number];
type FileSpec = NonNullable<PullSpec['files']>[number];

const opened = () => payloadFor('pull_request', (p) => p.action === 'opened');

interface RuleCase {
  name: string;
  inputs: Record<string, string>;
  /** PR #42 as GitHub serves it (and, but for labels, as the payload has it). */
  pull?: Partial<PullSpec>;
  /** Labels in the event payload, which may be stale. */
  payloadLabels?: string[];
  /** Commit messages GitHub knows. */
  commits?: Record<string, string>;
  /** When the rule skips: the reason and the notice (a warning for `threshold`). */
  skip?: { reason: string; message: string };
  /** The GitHub requests the rule costs. */
  github: string[];
}

/** A label object as the webhook payload has it. */
const label = (name: string) => ({
  id: name.length,
  node_id: `LA_${name}`,
  url: `https://api.github.com/repos/owner/repo/labels/${name}`,
  name,
  color: 'ededed',
  default: false,
  description: null
});

/** Runs PR #42 (a pull_request `opened` event, no local checkout) under one rule. */
function runCase(c: RuleCase): Promise<Scenario> {
  const spec = pull(c.pull);
  const payload = withPull(opened(), spec);
  if (c.payloadLabels) Object.assign(payload.pull_request, { labels: c.payloadLabels.map(label) });
  return scenario({
    eventName: 'pull_request',
    payload,
    github: gitHub([spec], c.commits),
    inputs: { 'skip-marker': '', ...c.inputs }
  });
}

function expectCase(run: Scenario, c: RuleCase): void {
  const level = c.skip?.reason === 'threshold' ? 'warning' : 'notice';
  expectRun(run, {
    outputs: c.skip
      ? skipped(c.skip.reason, {
          'pr-number': String(NUMBER),
          'head-sha': HEAD_SHA,
          // The threshold is checked on the validated diffs, so their count is known.
          ...(c.skip.reason === 'threshold'
            ? { 'diff-count': '2', diffs: JSON.stringify(SUBMITTED_DIFFS) }
            : {})
        })
      : submitted(),
    datafold: c.skip ? [] : [submit()],
    github: c.github
  });
  expect(messages(run, level)).toEqual(c.skip ? [c.skip.message] : []);
}

const files = (...names: string[]): FileSpec[] => names.map((filename) => ({ filename }));

const cases: RuleCase[] = [
  // skip-marker: case-sensitive, anywhere in the subject or the body.
  {
    name: 'skip marker in the body of the head commit message',
    inputs: { 'skip-marker': 'datafold-skip-ci' },
    commits: { [HEAD_SHA]: 'Rename a column\n\nNo data change: datafold-skip-ci.' },
    skip: {
      reason: 'skip-marker',
      message: 'Skipped: the last commit message contains "datafold-skip-ci".'
    },
    github: [getCommit()]
  },
  {
    name: 'skip marker in another case: runs (the marker is case-sensitive)',
    inputs: { 'skip-marker': 'datafold-skip-ci' },
    commits: { [HEAD_SHA]: 'Rename a column [DATAFOLD-SKIP-CI]' },
    github: [getCommit()]
  },
  {
    name: 'a custom skip marker in the subject',
    inputs: { 'skip-marker': '[no diff]' },
    commits: { [HEAD_SHA]: 'Docs only [no diff]' },
    skip: {
      reason: 'skip-marker',
      message: 'Skipped: the last commit message contains "[no diff]".'
    },
    github: [getCommit()]
  },

  // require-label: read live from GET /pulls/{n}, never from the payload.
  {
    name: 'require-label: the payload has the label but the pull request no longer does',
    inputs: { 'require-label': 'datafold' },
    payloadLabels: ['datafold'],
    pull: { labels: ['bug'] },
    skip: {
      reason: 'missing-label',
      message: 'Skipped: the pull request has none of the labels "datafold" (it has "bug").'
    },
    github: [getPull()]
  },
  {
    name: 'require-label: the label was added after the event, in another case',
    inputs: { 'require-label': 'datafold' },
    payloadLabels: [],
    pull: { labels: ['bug', 'DataFold'] },
    github: [getPull()]
  },
  {
    name: 'require-label: one of a comma-separated list',
    inputs: { 'require-label': 'run-diffs, datafold' },
    pull: { labels: ['datafold'] },
    github: [getPull()]
  },
  {
    name: 'require-label: one of a newline-separated list, none present',
    inputs: { 'require-label': 'run-diffs\ndatafold\n' },
    payloadLabels: ['datafold'],
    pull: { labels: [] },
    skip: {
      reason: 'missing-label',
      message:
        'Skipped: the pull request has none of the labels "run-diffs", "datafold" (it has no labels).'
    },
    github: [getPull()]
  },

  {
    // GitHub lets a pull request carry any number of labels: the notice names ten, counts the rest.
    name: 'require-label: 5,000 labels, none of them wanted: a short notice',
    inputs: { 'require-label': 'datafold' },
    pull: { labels: Array.from({ length: 5000 }, (_, i) => `label-${i + 1}`) },
    skip: {
      reason: 'missing-label',
      message: `Skipped: the pull request has none of the labels "datafold" (it has ${Array.from(
        { length: 10 },
        (_, i) => `"label-${i + 1}"`
      ).join(', ')}, and 4,990 more).`
    },
    github: [getPull()]
  },

  // base-branch: globs; the payload's base ref serves, no request.
  {
    name: 'base-branch: release/** matches release/2026/q4',
    inputs: { 'base-branch': 'main, release/**' },
    pull: { base: { sha: '0'.repeat(39) + '1', ref: 'release/2026/q4' } },
    github: []
  },
  {
    name: 'base-branch: release/* does not match release/2026/q4',
    inputs: { 'base-branch': 'release/*' },
    pull: { base: { sha: '0'.repeat(39) + '1', ref: 'release/2026/q4' } },
    skip: {
      reason: 'base-branch',
      message: 'Skipped: the base branch "release/2026/q4" matches none of "release/*".'
    },
    github: []
  },
  {
    name: 'base-branch: develop matches none of a newline-separated list',
    inputs: { 'base-branch': 'main\nrelease/**' },
    pull: { base: { sha: '0'.repeat(39) + '1', ref: 'develop' } },
    skip: {
      reason: 'base-branch',
      message: 'Skipped: the base branch "develop" matches none of "main", "release/**".'
    },
    github: []
  },

  // files-to-ignore: .gitignore semantics; one page of files.
  {
    name: 'files-to-ignore: every changed file ignored',
    inputs: { 'files-to-ignore': '*.md\n.github/\n' },
    pull: { files: files('README.md', 'docs/guide.md', '.github/workflows/ci.yml') },
    skip: {
      reason: 'ignored-files',
      message: 'Skipped: all 3 files changed by the pull request match "files-to-ignore".'
    },
    github: [filesPage(1)]
  },
  {
    name: 'files-to-ignore: one changed file not ignored',
    inputs: { 'files-to-ignore': '*.md\n.github/' },
    pull: { files: files('README.md', 'models/orders.sql') },
    github: [filesPage(1)]
  },
  {
    name: 'files-to-ignore: "!" re-includes a file',
    inputs: { 'files-to-ignore': '*.md\n!models/*.md' },
    pull: { files: files('README.md', 'models/orders.md') },
    github: [filesPage(1)]
  },
  {
    name: 'files-to-ignore: a rename out of an ignored directory',
    inputs: { 'files-to-ignore': 'scratch/' },
    pull: {
      files: [
        {
          filename: 'models/orders.sql',
          previous_filename: 'scratch/orders.sql',
          status: 'renamed'
        }
      ]
    },
    github: [filesPage(1)]
  },
  {
    name: 'files-to-ignore: a rename into an ignored directory (the old path counts)',
    inputs: { 'files-to-ignore': 'archive/' },
    pull: {
      files: [
        {
          filename: 'archive/orders.sql',
          previous_filename: 'models/orders.sql',
          status: 'renamed'
        }
      ]
    },
    github: [filesPage(1)]
  },

  {
    name: 'the first rule that applies wins: skip marker over a missing label',
    inputs: { 'skip-marker': 'datafold-skip-ci', 'require-label': 'datafold' },
    commits: { [HEAD_SHA]: 'WIP datafold-skip-ci' },
    skip: {
      reason: 'skip-marker',
      message: 'Skipped: the last commit message contains "datafold-skip-ci".'
    },
    // Independent facts are fetched at once, before any rule is decided.
    github: [getPull(), getCommit()]
  },

  // diff-threshold: on the validated diffs (2 entries); a warning, not a notice.
  {
    name: 'diff-threshold below the number of diffs',
    inputs: { 'diff-threshold': '1' },
    skip: {
      reason: 'threshold',
      message:
        'Skipped: the diffs have 2 entries, more than "diff-threshold" (1). Raise the threshold or diff fewer tables.'
    },
    github: []
  },
  {
    name: 'diff-threshold equal to the number of diffs',
    inputs: { 'diff-threshold': '2' },
    github: []
  }
];

describe('each rule', () => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectCase(await runCase(c), c);
  });
});

describe('skip marker from the local checkout', () => {
  it.concurrent.each([
    ['a fresh commit (a loose object)', false],
    ['a depth-1 clone, as actions/checkout fetches (a packed object)', true]
  ])(
    'skips on a marker in the body of the head commit, asking GitHub nothing: %s',
    async (_name, shallow) => {
      const checkout = await gitCheckout(
        'Rename the orders model\n\nOnly a rename, nothing to diff.\ndatafold-skip-ci',
        { shallow }
      );
      try {
        const head = { sha: checkout.sha, ref: 'feature/orders' };
        const run = await scenario({
          eventName: 'pull_request',
          payload: withPull(opened(), pull({ head })),
          github: gitHub([pull({ head })]),
          inputs: { 'skip-marker': 'datafold-skip-ci' },
          workspace: checkout.dir
        });
        expectRun(run, {
          outputs: skipped('skip-marker', { 'pr-number': '42', 'head-sha': checkout.sha }),
          datafold: [],
          github: []
        });
        expect(messages(run, 'notice')).toEqual([
          'Skipped: the last commit message contains "datafold-skip-ci".'
        ]);
      } finally {
        await checkout.rm();
      }
    }
  );
});

it.concurrent('base-branch on an event without the base reads it from GET /pulls/{n}', async () => {
  const payload = payloadFor('issue_comment', (p) => p.action === 'created');
  Object.assign(payload.issue, { number: NUMBER, pull_request: { url: 'x', html_url: 'y' } });
  const run = await scenario({
    eventName: 'issue_comment',
    payload,
    github: gitHub([pull({ base: { sha: '0'.repeat(39) + '1', ref: 'develop' } })]),
    inputs: { 'skip-marker': '', 'base-branch': 'main' }
  });
  expectRun(run, {
    outputs: skipped('base-branch', { 'pr-number': '42', 'head-sha': HEAD_SHA }),
    datafold: [],
    github: [getPull()]
  });
});

it.concurrent('dry-run sends nothing to Datafold and logs the body it would send', async () => {
  const run = await scenario({
    eventName: 'pull_request',
    payload: withPull(opened()),
    github: gitHub(),
    inputs: { 'skip-marker': '', 'dry-run': 'true' }
  });
  expectRun(run, {
    outputs: skipped('dry-run', {
      'pr-number': '42',
      'head-sha': HEAD_SHA,
      'diff-count': '2',
      diffs: JSON.stringify(SUBMITTED_DIFFS)
    }),
    datafold: [],
    github: []
  });
  expect(messages(run, 'notice')).toEqual([
    `Dry run: would POST 2 diff entries to ${run.datafold.url}/api/v1/ci/123/42; nothing was sent.`
  ]);
  expect(run.result.stdout).toContain(JSON.stringify(SUBMITTED_DIFFS, null, 2));
});

describe('API economy', () => {
  const docs = (n: number) => Array.from({ length: n }, (_, i) => `docs/page-${i}.md`);

  it.concurrent(
    'every rule on, with a local checkout: GET /pulls/{n} and one page of files',
    async () => {
      const checkout = await gitCheckout('Add the orders model');
      try {
        const spec = pull({
          head: { sha: checkout.sha, ref: 'feature/orders' },
          labels: ['datafold'],
          files: files('README.md', 'models/orders.sql')
        });
        const run = await scenario({
          eventName: 'pull_request',
          payload: withPull(opened(), spec),
          github: gitHub([spec]),
          inputs: {
            'skip-marker': 'datafold-skip-ci',
            'require-label': 'datafold',
            'base-branch': 'main',
            'files-to-ignore': '*.md'
          },
          workspace: checkout.dir
        });
        expectRun(run, {
          outputs: submitted({ 'head-sha': checkout.sha }),
          datafold: [submit()],
          github: [getPull(), filesPage(1)]
        });
      } finally {
        await checkout.rm();
      }
    }
  );

  it.concurrent(
    '250 changed files: page 1, then pages 2 and 3 together; the one that counts is on page 3',
    async () => {
      const c: RuleCase = {
        name: '250 files',
        inputs: { 'files-to-ignore': 'docs/' },
        pull: { files: files(...docs(249), 'models/orders.sql') },
        github: [filesPage(1), filesPage(2), filesPage(3)]
      };
      expectCase(await runCase(c), c);
    }
  );

  it.concurrent('250 changed files, all ignored: skipped after three pages', async () => {
    const c: RuleCase = {
      name: '250 ignored files',
      inputs: { 'files-to-ignore': 'docs/' },
      pull: { files: files(...docs(250)) },
      skip: {
        reason: 'ignored-files',
        message: 'Skipped: all 250 files changed by the pull request match "files-to-ignore".'
      },
      github: [filesPage(1), filesPage(2), filesPage(3)]
    };
    expectCase(await runCase(c), c);
  });

  const thirtyPages = Array.from({ length: 30 }, (_, i) => filesPage(i + 1));

  it.concurrent(
    'more than 3000 changed files: not skipped, with no listing (GitHub lists 3000 at most)',
    async () => {
      const run = await runCase({
        name: '3500 files',
        inputs: { 'files-to-ignore': 'docs/' },
        pull: { files: files(...docs(3000)), changedFiles: 3500 },
        github: []
      });
      expectRun(run, { outputs: submitted(), datafold: [submit()], github: [] });
      expect(messages(run, 'notice')).toEqual([
        'The pull request changes 3500 files and GitHub lists only the first 3000: "files-to-ignore" cannot rule the rest out, so it does not skip the pull request.'
      ]);
    }
  );

  it.concurrent(
    'more than 3000 changed files on an event without the count: GET /pulls/{n} beside page 1, then no more pages',
    async () => {
      const payload = payloadFor('issue_comment', (p) => p.action === 'created');
      Object.assign(payload.issue, { number: NUMBER, pull_request: { url: 'x', html_url: 'y' } });
      const run = await scenario({
        eventName: 'issue_comment',
        payload,
        github: gitHub([pull({ files: files(...docs(3000)), changedFiles: 3001 })]),
        inputs: { 'skip-marker': '', 'files-to-ignore': 'docs/' }
      });
      expectRun(run, {
        // GET /pulls/{n} was made for the file count, so it also gave the head.
        outputs: submitted(),
        datafold: [submit()],
        github: [getPull(), filesPage(1)]
      });
      expect(messages(run, 'notice')).toEqual([
        'The pull request changes 3001 files and GitHub lists only the first 3000: "files-to-ignore" cannot rule the rest out, so it does not skip the pull request.'
      ]);
    }
  );

  it.concurrent('3000 changed files, the one that counts first: page 1 only', async () => {
    const c: RuleCase = {
      name: '3000 files, decided at once',
      inputs: { 'files-to-ignore': 'docs/' },
      pull: { files: files('models/orders.sql', ...docs(2999)) },
      github: [filesPage(1)]
    };
    expectCase(await runCase(c), c);
  });

  it.concurrent('exactly 3000 changed files, all ignored: skipped', async () => {
    const c: RuleCase = {
      name: '3000 files',
      inputs: { 'files-to-ignore': 'docs/' },
      pull: { files: files(...docs(3000)) },
      skip: {
        reason: 'ignored-files',
        message: 'Skipped: all 3000 files changed by the pull request match "files-to-ignore".'
      },
      github: thirtyPages
    };
    expectCase(await runCase(c), c);
  });
});
