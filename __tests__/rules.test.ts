import { describe, expect, it } from '@jest/globals';
import { ActionError } from '../src/errors.js';
import { factsNeeded, findSkip, thresholdSkip, type Rules } from '../src/rules.js';

const noRules: Rules = { skipMarker: '', requireLabels: [], baseBranches: [], filesToIgnore: [] };

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
    const rules = { ...noRules, requireLabels: ['datafold', 'Run Diffs'] };
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

  it('matches the base branch against globs; ** crosses slashes, * does not', async () => {
    const rules = { ...noRules, baseBranches: ['main', 'release/**', 'hotfix/*'] };
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

  it('skips only when every changed file is ignored, the last matching pattern deciding', async () => {
    const rules = { ...noRules, filesToIgnore: ['docs/', '*.md', '!models/**/*.md'] };
    const files = (...paths: string[]) => ({ changedFiles: { paths, complete: true } });
    expect(await findSkip(files('README.md', 'docs/a/b.sql'), rules)).toEqual({
      reason: 'ignored-files',
      level: 'notice',
      message: 'Skipped: all 2 files changed by the pull request match "files-to-ignore".'
    });
    expect(await findSkip(files('README.md', 'models/orders.sql'), rules)).toBeUndefined();
    // "!" re-includes: a Markdown file under models/ is not ignored.
    expect(await findSkip(files('README.md', 'models/staging/notes.md'), rules)).toBeUndefined();
  });

  it("follows Datafold's own example: the dbt folder, without its .md files", async () => {
    const rules = { ...noRules, filesToIgnore: ['*', '!dbt/*', 'dbt/*.md'] };
    const files = (...paths: string[]) => ({ changedFiles: { paths, complete: true } });
    expect(
      await findSkip(files('dbt/README.md', 'airflow/dag.py', 'dbt/models/orders.sql'), rules)
    ).toBeUndefined();
    expect((await findSkip(files('dbt/README.md', 'airflow/dag.py'), rules))?.reason).toBe(
      'ignored-files'
    );
  });

  it('fails on an invalid pattern, even when the files could not decide', async () => {
    const rules = { ...noRules, filesToIgnore: ['docs/', '!'] };
    for (const changedFiles of [
      { paths: ['docs/a.md'], complete: true },
      { paths: ['docs/a.md'], complete: false }
    ]) {
      await expect(findSkip({ changedFiles }, rules)).rejects.toStrictEqual(
        new ActionError(
          'Input "files-to-ignore": "!" has nothing after "!": write "\\!" for a file named "!".'
        )
      );
    }
  });

  it('does not skip on files when the listing is incomplete or empty', async () => {
    const rules = { ...noRules, filesToIgnore: ['*.md'] };
    expect(
      await findSkip({ changedFiles: { paths: ['a.md'], complete: false } }, rules)
    ).toBeUndefined();
    expect(await findSkip({ changedFiles: { paths: [], complete: true } }, rules)).toBeUndefined();
  });

  it('reports the first rule that applies, in the documented order', async () => {
    const rules: Rules = {
      skipMarker: 'skip-me',
      requireLabels: ['x'],
      baseBranches: ['main'],
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
        requireLabels: ['l'],
        baseBranches: ['b'],
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
