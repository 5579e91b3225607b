import { describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import type { CiRun } from '../src/datafold/api.js';

jest.unstable_mockModule('@actions/core', () => core);
const { RunWatch, waitTiming } = await import('../src/datafold/run-watch.js');

const SHA = 'a'.repeat(40);
const fast = { pollIntervalMs: 1, appearWithinMs: 30, timeoutMs: 200 };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Judges `answers` one poll after the other; returns the first final status. */
async function judgeAll(watch: InstanceType<typeof RunWatch>, answers: (CiRun | undefined)[]) {
  for (const answer of answers) {
    const status = watch.judge(answer);
    if (status !== undefined) return status;
    await pause(watch.nextPollMs());
  }
  return undefined;
}

describe('RunWatch', () => {
  it.each(['done', 'failed', 'cancelled'])('returns the final status %s', async (status) => {
    const watch = new RunWatch(SHA, fast);
    const answers = [undefined, { id: 1, status: 'running' }, { id: 1, status: 'running' }];
    await expect(judgeAll(watch, [...answers, { id: 1, status }])).resolves.toBe(status);
    // A line per status change, not per poll.
    expect(core.info.mock.calls.map(([line]) => line)).toEqual(['CI run 1: running']);
  });

  it("names a run's status as Datafold gives it, cut, and says when there is none", async () => {
    const watch = new RunWatch(SHA, fast);
    await judgeAll(watch, [
      { id: 1, status: ' ' },
      { id: 1, status: 'x'.repeat(500) }
    ]);
    expect(core.info.mock.calls.map(([line]) => line)).toEqual([
      'CI run 1: without a status',
      `CI run 1: ${'x'.repeat(60)}…`
    ]);
  });

  it('fails when no run appears in time', async () => {
    const watch = new RunWatch(SHA, fast);
    await expect(judgeAll(watch, Array(100).fill(undefined))).rejects.toThrow(
      `Datafold lists no CI run for commit ${SHA} 0 s after the submission, so there is nothing to wait for.`
    );
  });

  it('says what it saw when a run it followed is no longer listed', async () => {
    const watch = new RunWatch(SHA, fast);
    const answers = [{ id: 7, status: 'running' }, ...Array(100).fill(undefined)];
    await expect(judgeAll(watch, answers)).rejects.toThrow(
      new RegExp(
        `^Datafold listed CI run 7 \\(running\\) for commit ${SHA} 0 s after the submission, and has listed no run for it since \\(0 s\\), so the run cannot be followed any more\\. Look for it in Datafold\\.$`
      )
    );
  });

  it('gives a run that is missing for a moment the same time to be listed again', async () => {
    const watch = new RunWatch(SHA, { ...fast, appearWithinMs: 60_000 });
    const answers = [{ id: 7, status: 'running' }, undefined, undefined, { id: 7, status: 'done' }];
    await expect(judgeAll(watch, answers)).resolves.toBe('done');
  });

  it('fails at the timeout while the run goes on', async () => {
    const watch = new RunWatch(SHA, { ...fast, timeoutMs: 20 });
    await expect(judgeAll(watch, Array(100).fill({ id: 5, status: 'running' }))).rejects.toThrow(
      /^CI run 5 is still running after \d+ s: gave up waiting \("wait-timeout-minutes"\)\. The run goes on in Datafold\.$/
    );
  });

  it('never sleeps past the timeout', () => {
    expect(new RunWatch(SHA, { ...fast, pollIntervalMs: 5000 }).nextPollMs()).toBeLessThanOrEqual(
      200
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
