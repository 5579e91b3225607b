import { describe, expect, it } from '@jest/globals';
import { factsNeeded, findSkip, thresholdSkip, type Rules } from '../src/rules/rules.js';

const noRules: Rules = { skipMarker: '', requireLabel: [], baseBranch: [], filesToIgnore: [] };

describe('findSkip', () => {
  it('runs when no rule is set', async () => {
    expect(await findSkip({}, noRules)).toBeUndefined();
  });

  it('skips on the marker anywhere in the subject or body, case-sensitively', async () => {
    const rules = { ...noRules, skipMarker: 'datafold-skip-ci' };
    expect(
      (await findSkip({ commitMessage: 'Fix model\n\nbody datafold-skip-ci here' }, rules))?.reason
    ).toBe('skip-marker');
    expect((await findSkip({ commitMessage: '[datafold-skip-ci] wip' }, rules))?.reason).toBe(
      'skip-marker'
    );
    expect(await findSkip({ commitMessage: 'DATAFOLD-SKIP-CI' }, rules)).toBeUndefined();
    expect(await findSkip({ commitMessage: 'datafold skip ci' }, rules)).toBeUndefined();
  });

  it('needs one of the required labels, case-insensitively', async () => {
    const rules = { ...noRules, requireLabel: ['datafold', 'Run Diffs'] };
    expect(await findSkip({ labels: ['bug', 'run diffs'] }, rules)).toBeUndefined();
    expect(await findSkip({ labels: ['DATAFOLD'] }, rules)).toBeUndefined();
    expect(await findSkip({ labels: ['bug'] }, rules)).toEqual({
      reason: 'missing-label',
      level: 'notice',
      message:
        'Skipped: the pull request has none of the labels "datafold", "Run Diffs" (it has "bug").'
    });
    expect((await findSkip({ labels: [] }, rules))?.message).toContain('(it has no labels)');
  });

  it('cuts long lists of labels and patterns in its notice, with a count of the rest', async () => {
    const many = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
    const labels = await findSkip(
      { labels: many('label', 5000) },
      { ...noRules, requireLabel: many('wanted', 12) }
    );
    expect(labels?.message).toMatch(
      /^Skipped: the pull request has none of the labels "wanted-1", .*"wanted-10", and 2 more \(it has "label-1", .*"label-10", and 4,990 more\)\.$/
    );
    expect(labels?.message.length).toBeLessThan(400);
    const patterns = await findSkip(
      { baseRef: 'develop' },
      { ...noRules, baseBranch: many('release', 11) }
    );
    expect(patterns?.message).toMatch(/"release-10", and 1 more\.$/);
  });

  it('matches the base branch against globs; ** crosses slashes, * does not', async () => {
    const rules = { ...noRules, baseBranch: ['main', 'release/**', 'hotfix/*'] };
    expect(await findSkip({ baseRef: 'main' }, rules)).toBeUndefined();
    expect(await findSkip({ baseRef: 'release/2026/q4' }, rules)).toBeUndefined();
    expect(await findSkip({ baseRef: 'hotfix/x' }, rules)).toBeUndefined();
    expect((await findSkip({ baseRef: 'hotfix/x/y' }, rules))?.reason).toBe('base-branch');
    expect(await findSkip({ baseRef: 'maintenance' }, rules)).toEqual({
      reason: 'base-branch',
      level: 'notice',
      message:
        'Skipped: the base branch "maintenance" matches none of "main", "release/**", "hotfix/*".'
    });
  });

  it('skips only when every changed file was listed and none is left not ignored', async () => {
    const rules = { ...noRules, filesToIgnore: ['docs/', '*.md'] };
    const paths = ['README.md', 'docs/a/b.sql'];
    expect(await findSkip({ changedFiles: { paths, complete: true } }, rules)).toEqual({
      reason: 'ignored-files',
      level: 'notice',
      message: 'Skipped: all 2 files changed by the pull request match "files-to-ignore".'
    });
    for (const changedFiles of [
      { paths: [...paths, 'models/orders.sql'], notIgnored: 'models/orders.sql', complete: false },
      // Past GitHub's 3000-file cap: the files not listed cannot be ruled out.
      { paths: [], complete: false },
      { paths, complete: false },
      { paths: [], complete: true }
    ]) {
      expect(await findSkip({ changedFiles }, rules)).toBeUndefined();
    }
  });

  it('reports the first rule that applies, in the documented order', async () => {
    const rules: Rules = {
      skipMarker: 'skip-me',
      requireLabel: ['x'],
      baseBranch: ['main'],
      filesToIgnore: ['*']
    };
    const facts = {
      commitMessage: 'skip-me',
      labels: [],
      baseRef: 'dev',
      changedFiles: { paths: ['a'], complete: true }
    };
    expect((await findSkip(facts, rules))?.reason).toBe('skip-marker');
    expect((await findSkip({ ...facts, commitMessage: '' }, rules))?.reason).toBe('missing-label');
    expect((await findSkip({ ...facts, commitMessage: '', labels: ['X'] }, rules))?.reason).toBe(
      'base-branch'
    );
    expect(
      (await findSkip({ ...facts, commitMessage: '', labels: ['X'], baseRef: 'main' }, rules))
        ?.reason
    ).toBe('ignored-files');
  });
});

describe('factsNeeded', () => {
  it('asks only for the facts of enabled rules', () => {
    expect(factsNeeded(noRules)).toEqual({
      commitMessage: false,
      labels: false,
      baseRef: false,
      changedFiles: false
    });
    expect(
      factsNeeded({
        skipMarker: 'm',
        requireLabel: ['l'],
        baseBranch: ['b'],
        filesToIgnore: ['f']
      })
    ).toEqual({
      commitMessage: true,
      labels: true,
      baseRef: true,
      changedFiles: true
    });
  });
});

describe('thresholdSkip', () => {
  it('skips with a warning only above the threshold', () => {
    expect(thresholdSkip(5, undefined)).toBeUndefined();
    expect(thresholdSkip(5, 5)).toBeUndefined();
    expect(thresholdSkip(6, 5)).toEqual({
      reason: 'threshold',
      level: 'warning',
      message:
        'Skipped: the diffs have 6 entries, more than "diff-threshold" (5). Raise the threshold or diff fewer tables.'
    });
  });
});
