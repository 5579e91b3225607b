// @ts-check
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ from src/ before the end-to-end tests run it, so that they can never pass on a
 * stale bundle; `.ci/run` then refuses a dist/ that differs from the committed one.
 */
export default function buildBundle() {
  execFileSync('npm', ['run', '--silent', 'bundle'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    // ncc's size table would only clutter the test log; its errors still show.
    stdio: ['ignore', 'ignore', 'inherit']
  });
}
