import { execFile } from 'node:child_process';
import { ASK_GIT, readCommitMessage } from './git-objects.js';

const SHA = /^[0-9a-f]{7,64}$/i;

/**
 * The message of a commit from the local checkout; undefined when the object is missing
 * (shallow clones of the merge commit lack the pull request's head) or git is.
 */
export async function readLocalCommitMessage(
  sha: string,
  cwd: string
): Promise<string | undefined> {
  // The SHA comes from an event payload: only a hex name reaches git's command line.
  if (!SHA.test(sha)) return undefined;
  const stored = readCommitMessage(cwd, sha);
  const message = stored === ASK_GIT ? await gitLogMessage(sha, cwd) : stored;
  return message?.replace(/\n+$/, '');
}

function gitLogMessage(sha: string, cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['log', '-1', '--format=%B', sha, '--'],
      {
        cwd,
        // A missing object must fail fast, not prompt for credentials or fetch it lazily.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1' },
        timeout: 10_000
      },
      (error, stdout) => resolve(error ? undefined : stdout)
    );
  });
}
