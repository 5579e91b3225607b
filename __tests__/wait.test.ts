import { describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import type { CiRun, DatafoldApi } from '../src/datafold/api.js';

jest.unstable_mockModule('@actions/core', () => core);
const { waitForRun, waitTiming } = await import('../src/datafold/wait.js');

const SHA = 'a'.repeat(40);
const fast = { pollIntervalMs: 1, appearWithinMs: 30, timeoutMs: 200 };

function apiAnswering(...runs: (CiRun | undefined)[]) {
  const latestRun = jest.fn<DatafoldApi['latestRun']>();
  for (const run of runs) latestRun.mockResolvedValueOnce(run);
  latestRun.mockResolvedValue(runs.at(-1));
  return { api: { latestRun } as unknown as DatafoldApi, latestRun };
}

describe('waitForRun', () => {
  it.each(['done', 'failed', 'cancelled'])('returns the final status %s', async (status) => {
    const { api, latestRun } = apiAnswering(
      undefined,
      { id: 1, status: 'running' },
      { id: 1, status }
    );
    await expect(waitForRun(api, SHA, fast)).resolves.toBe(status);
    expect(latestRun).toHaveBeenCalledTimes(3);
    expect(latestRun).toHaveBeenCalledWith(SHA);
    // A line per status change, not per poll.
    expect(core.info.mock.calls.map(([line]) => line)).toEqual([
      'CI run 1: running',
      expect.stringMatching(new RegExp(`^CI run 1 ended: ${status} \\(after \\d+ s\\)\\.$`))
    ]);
  });

  it('fails when no run appears in time', async () => {
    const { api } = apiAnswering(undefined);
    await expect(waitForRun(api, SHA, fast)).rejects.toThrow(
      `Datafold lists no CI run for commit ${SHA}`
    );
  });

  it('fails at the timeout while the run goes on', async () => {
    const { api } = apiAnswering({ id: 5, status: 'running' });
    await expect(waitForRun(api, SHA, { ...fast, timeoutMs: 20 })).rejects.toThrow(
      /CI run 5 is still running after \d+ s: gave up waiting \("wait-timeout-minutes"\)/
    );
  });

  it('polls every 5 s and waits for the run to appear for 60 s by default', () => {
    expect(waitTiming(2)).toEqual({
      pollIntervalMs: 5000,
      appearWithinMs: 60000,
      timeoutMs: 120000
    });
  });
});
