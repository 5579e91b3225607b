import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLocalCommitMessage } from '../src/pull-request/commit-message.js';

// Real repositories, written by git itself: the message must be what `git log` shows.
const scratch = mkdtempSync(path.join(tmpdir(), 'commit-message-'));
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

describe('readLocalCommitMessage', () => {
  it('reads subject and body of a commit that is not HEAD, packed or by a short name', async () => {
    const { dir, git } = repository();
    const sha = commit(git, 'Rename the orders model', 'Only a rename.\ndatafold-skip-ci');
    commit(git, 'Next');
    git('repack', '-a', '-d', '-f', '--quiet');
    const expected = 'Rename the orders model\n\nOnly a rename.\ndatafold-skip-ci';
    await expect(readLocalCommitMessage(sha, dir)).resolves.toBe(expected);
    await expect(readLocalCommitMessage(sha.slice(0, 10), dir)).resolves.toBe(expected);
  });

  it('is undefined for a missing commit, a name that is not hex, and a folder with no repository', async () => {
    const { dir, git } = repository();
    commit(git, 'Only commit');
    await expect(readLocalCommitMessage('0'.repeat(40), dir)).resolves.toBeUndefined();
    await expect(readLocalCommitMessage('--all', dir)).resolves.toBeUndefined();
    await expect(readLocalCommitMessage('HEAD', dir)).resolves.toBeUndefined();
    const plain = path.join(scratch, 'plain');
    mkdirSync(plain);
    await expect(readLocalCommitMessage('0'.repeat(40), plain)).resolves.toBeUndefined();
    await expect(
      readLocalCommitMessage('0'.repeat(40), path.join(scratch, 'gone'))
    ).resolves.toBeUndefined();
  });

  it('writes nothing to the log: no command line, no complaint from git', async () => {
    const { dir, git } = repository();
    const sha = commit(git, 'Quiet');
    const stdout = jest.spyOn(process.stdout, 'write');
    const stderr = jest.spyOn(process.stderr, 'write');
    try {
      await readLocalCommitMessage(sha, dir);
      await readLocalCommitMessage('0'.repeat(40), dir);
      expect(stdout).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });
});
