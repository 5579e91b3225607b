import { getExecOutput } from '@actions/exec';

const SHA = /^[0-9a-f]{7,64}$/i;

/**
 * The message of a commit from the local checkout; undefined when git or the object is
 * missing (shallow clones of the merge commit lack the pull request's head).
 */
export async function readLocalCommitMessage(
  sha: string,
  cwd: string
): Promise<string | undefined> {
  // The SHA comes from an event payload: only a hex name reaches git's command line.
  if (!SHA.test(sha)) return undefined;
  try {
    const { exitCode, stdout } = await getExecOutput(
      'git',
      ['log', '-1', '--format=%B', sha, '--'],
      {
        cwd,
        silent: true,
        ignoreReturnCode: true,
        // A missing object must fail fast, not prompt for credentials or fetch it lazily.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1' } as Record<
          string,
          string
        >
      }
    );
    return exitCode === 0 ? stdout.replace(/\n+$/, '') : undefined;
  } catch {
    return undefined;
  }
}
