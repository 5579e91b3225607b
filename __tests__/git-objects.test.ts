import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLocalCommitMessage } from '../src/commit-message.js';
import { ASK_GIT, readCommitMessage } from '../src/git-objects.js';

// Real repositories, written by git itself: the reader must agree with `git log`.
const scratch = mkdtempSync(path.join(tmpdir(), 'git-objects-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let repositories = 0;
function repository(): { dir: string; git: (...args: string[]) => string } {
  const dir = path.join(scratch, `repo-${++repositories}`);
  mkdirSync(dir);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null'
      }
    }).trim();
  git('init', '--quiet');
  return { dir, git };
}

function commit(git: (...args: string[]) => string, ...messages: string[]): string {
  git('commit', '--quiet', '--allow-empty', ...messages.flatMap((m) => ['-m', m]));
  return git('rev-parse', 'HEAD');
}

const logged = (git: (...args: string[]) => string, sha: string) =>
  git('log', '-1', '--format=%B', sha);

describe('readCommitMessage', () => {
  it('reads a loose commit as git log does, body and all', () => {
    const { dir, git } = repository();
    const sha = commit(git, 'Change the orders model datafold-skip-ci', 'Why:\n\n- faster');
    expect(existsSync(path.join(dir, '.git', 'objects', sha.slice(0, 2), sha.slice(2)))).toBe(true);
    expect(readCommitMessage(dir, sha)).toBe(`${logged(git, sha)}\n`);
  });

  it('reads commits from packs, and finds the right one among many', () => {
    const { dir, git } = repository();
    const shas = Array.from({ length: 40 }, (_, i) => commit(git, `Commit number ${i}`));
    git('repack', '-a', '-d', '--quiet', '--window=0'); // whole objects, no deltas
    expect(existsSync(path.join(dir, '.git', 'objects', shas[0].slice(0, 2)))).toBe(false);
    for (const sha of [shas[0], shas[17], shas[39]])
      expect(readCommitMessage(dir, sha)).toBe(`${logged(git, sha)}\n`);
  });

  it('reads from a subdirectory and from a linked worktree, as git finds the repository', () => {
    const { dir, git } = repository();
    const sha = commit(git, 'In the main worktree');
    mkdirSync(path.join(dir, 'models', 'staging'), { recursive: true });
    expect(readCommitMessage(path.join(dir, 'models', 'staging'), sha)).toBe(
      'In the main worktree\n'
    );
    const worktree = path.join(scratch, `worktree-${repositories}`);
    git('worktree', 'add', '--quiet', '--detach', worktree);
    expect(readCommitMessage(worktree, sha)).toBe('In the main worktree\n');
  });

  it('skips signature-like headers whose lines continue with a space', () => {
    const { dir, git } = repository();
    const tree = git('write-tree');
    const object = [
      `tree ${tree}`,
      'author Test <test@example.com> 1700000000 +0000',
      'committer Test <test@example.com> 1700000000 +0000',
      'gpgsig -----BEGIN PGP SIGNATURE-----',
      ' ',
      ' iQEzBAABCAAdFiEE',
      ' -----END PGP SIGNATURE-----',
      '',
      'Signed change',
      ''
    ].join('\n');
    const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
      cwd: dir,
      input: object,
      encoding: 'utf8'
    }).trim();
    expect(readCommitMessage(dir, sha)).toBe('Signed change\n');
  });

  it('is certain a commit is absent from a shallow clone, and outside any repository', () => {
    const { dir, git } = repository();
    const parent = commit(git, 'Parent');
    commit(git, 'Head');
    const clone = path.join(scratch, `shallow-${repositories}`);
    git('clone', '--quiet', '--depth', '1', `file://${dir}`, clone);
    expect(readCommitMessage(clone, parent)).toBeNull();
    const outside = mkdtempSync(path.join(tmpdir(), 'not-a-repository-'));
    try {
      expect(readCommitMessage(outside, parent)).toBeNull();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('leaves to git what it does not read: deltas, alternates, encodings, short names', () => {
    const { dir, git } = repository();
    const long = Array.from({ length: 200 }, (_, i) => `Line ${i} of a long description.`);
    const shas = [1, 2, 3].map((i) => commit(git, `Change ${i}`, long.join('\n')));
    git('repack', '-a', '-d', '-f', '--quiet', '--window=50', '--depth=50');
    const deltas = git('verify-pack', '-v', ...packIndexes(dir))
      .split('\n')
      .filter((line) => / commit .* \d+ [0-9a-f]{40}$/.test(line))
      .map((line) => line.split(' ')[0]);
    expect(deltas.length).toBeGreaterThan(0);
    expect(shas).toEqual(expect.arrayContaining(deltas));
    expect(readCommitMessage(dir, deltas[0])).toBe(ASK_GIT);

    const borrower = path.join(scratch, `shared-${repositories}`);
    git('clone', '--quiet', '--shared', dir, borrower);
    expect(readCommitMessage(borrower, shas[2])).toBe(ASK_GIT);

    git('-c', 'i18n.commitEncoding=ISO-8859-1', 'commit', '--quiet', '--allow-empty', '-m', 'x');
    expect(readCommitMessage(dir, git('rev-parse', 'HEAD'))).toBe(ASK_GIT);

    expect(readCommitMessage(dir, shas[0].slice(0, 12))).toBe(ASK_GIT);
  });
});

describe('readLocalCommitMessage', () => {
  it('agrees with git log whether it reads the object or asks git', async () => {
    const { dir, git } = repository();
    const sha = commit(git, 'Packed', 'x'.repeat(5000));
    commit(git, 'Next', 'x'.repeat(5000));
    git('repack', '-a', '-d', '-f', '--quiet');
    const expected = logged(git, sha);
    await expect(readLocalCommitMessage(sha, dir)).resolves.toBe(expected);
    await expect(readLocalCommitMessage(sha.slice(0, 10), dir)).resolves.toBe(expected);
  });

  it('is undefined for a missing commit and for a name that is not hex', async () => {
    const { dir, git } = repository();
    commit(git, 'Only commit');
    await expect(readLocalCommitMessage('0'.repeat(40), dir)).resolves.toBeUndefined();
    await expect(readLocalCommitMessage('0'.repeat(12), dir)).resolves.toBeUndefined();
    await expect(readLocalCommitMessage('--all', dir)).resolves.toBeUndefined();
  });
});

function packIndexes(dir: string): string[] {
  const packs = path.join(dir, '.git', 'objects', 'pack');
  return readdirSync(packs)
    .filter((name) => name.endsWith('.idx'))
    .map((name) => path.join(packs, name));
}
