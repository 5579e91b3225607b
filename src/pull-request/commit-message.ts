import { getExecOutput } from '@actions/exec';

const SHA = /^[0-9a-f]{7,64}$/i;
const GIT_TIMEOUT_MS = 10_000;

/**
 * The message of a commit from the local checkout; undefined when git cannot give it in time:
 * the object is missing (a depth-1 checkout of the merge commit lacks the pull request's
 * head), the workspace is no repository, or git is not installed.
 */
export async function readLocalCommitMessage(
  sha: string,
  cwd: string
): Promise<string | undefined> {
  // The SHA comes from an event payload: only a hex name reaches git's command line.
  if (!SHA.test(sha)) return undefined;
  const git = getExecOutput('git', ['log', '-1', '--format=%B', sha, '--'], {
    cwd,
    // A missing object must fail fast, not prompt for credentials or fetch it lazily.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1' } as Record<
      string,
      string
    >,
    // Neither the command line nor git's complaints about a missing object belong in the log.
    silent: true,
    ignoreReturnCode: true
  }).then(
    ({ exitCode, stdout }) => (exitCode === 0 ? stdout.replace(/\n+$/, '') : undefined),
    () => undefined
  );
  // @actions/exec cannot kill the child: past the deadline the API answers instead (the step
  // still ends only once git does; the variables above remove the known ways for it to hang).
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), GIT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([git, late]);
  } finally {
    clearTimeout(timer);
  }
}
