/**
 * The log's shape, end to end: one collapsible group per pipeline stage, each verdict inside
 * the group of the stage that drew it.
 */
import { describe, expect, it, jest } from '@jest/globals';
import type { LaunchResult } from './launch.js';
import { PR, scenario } from './scenario.js';

jest.setTimeout(30_000);

/** The lines of each `::group::` of the log, by group name, debug lines left out. */
function groups({ stdout }: LaunchResult): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('::group::')) found[line.slice('::group::'.length)] = current = [];
    else if (line === '::endgroup::') current = undefined;
    else if (!line.startsWith('::debug::')) current?.push(line);
  }
  return found;
}

describe('the "Rules" group', () => {
  it.concurrent('holds the verdict when no rule skips', async () => {
    const { result } = await scenario();
    expect(Object.keys(groups(result))).toEqual([
      'Inputs',
      'Pull request',
      'Rules',
      'Diffs',
      'Submit'
    ]);
    expect(groups(result).Rules).toEqual([`Head commit ${PR.head.sha}; no skip rule applies.`]);
  });

  it.concurrent('holds the skip notice when a rule skips, and the run stops there', async () => {
    const { result } = await scenario({ inputs: { 'require-label': 'datafold' } });
    expect(result.code).toBe(0);
    expect(Object.keys(groups(result))).toEqual(['Inputs', 'Pull request', 'Rules']);
    expect(groups(result).Rules).toEqual([
      expect.stringMatching(/^::notice::Skipped: the pull request has none of the labels/)
    ]);
  });
});
