/**
 * Live results, end to end: with `wait: true` the bundle follows the run's data diffs as they
 * finish, against a Datafold stand-in whose diffs finish one after another while the run goes,
 * each answer delayed as over a network. Each diff is logged once when it finishes, each
 * summary read once, the step ends within 3 rounds of requests after the answer that says the
 * run is done, and `fail-fast` fails while the run still goes on, naming the table.
 */
import { describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import type { DatafoldOptions } from '../../stand-ins/datafold.mjs';
import { roundsAfter, type RecordedRequest } from '../../stand-ins/server.mjs';
import { errors, expectFailure, expectSuccess } from './run-checks.js';
import { PR, scenario } from './scenario.js';

const DIFFS = 40;
const NAMES = Array.from({ length: DIFFS }, (_, i) => `T${String(i).padStart(2, '0')}`);
const diffsFile = JSON.stringify(
  NAMES.map((name) => ({
    prod: `ANALYTICS.PROD.${name}`,
    pr: `ANALYTICS.PR_2.${name}`,
    pk: ['ID']
  }))
);
/**
 * The run is listed `running` this many times, then `done`; two diffs finish at each listing of
 * its data diffs from the second on, the last two at the one that comes with `done`.
 */
const RUNNING_LISTINGS = DIFFS / 2;
const finishing = (outcome: (i: number) => object = () => ({})): DatafoldOptions => ({
  waitingPrs: [{ pr_num: 2, pr_sha: PR.head.sha }],
  statusSequence: [...Array<string>(RUNNING_LISTINGS).fill('running'), 'done'],
  diffOutcomes: NAMES.map((_, i) => ({ finishAfter: Math.floor(i / 2) + 2, ...outcome(i) }))
});

/**
 * A scenario whose Datafold answers each request after `latencyMs`, with the action's exit time
 * and its log lines, each timed as it was printed.
 */
async function timedScenario(datafold: DatafoldOptions, latencyMs: number) {
  let exitedAt = NaN;
  const lines: Array<{ at: number; text: string }> = [];
  const run = await scenario({
    inputs: { wait: 'true' },
    datafold,
    files: { 'diffs.json': diffsFile },
    timeoutMs: 40_000,
    // Called once the stand-ins are up, before the action starts.
    env: (servers) => (servers.datafold.setLatency(latencyMs), {}),
    onStart: (child: ChildProcess) => {
      let partial = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts.map((text) => ({ at: Date.now(), text })));
      });
      child.on('exit', () => (exitedAt = Date.now()));
    }
  });
  return { ...run, exitedAt, lines };
}

const summaries = (requests: RecordedRequest[]) =>
  requests.filter(({ kind }) => kind === 'summary').map(({ path }) => path);
const kindCount = (requests: RecordedRequest[], kind: string) =>
  requests.filter((request) => request.kind === kind).length;

describe('live results: 40 diffs finishing while the run goes, 150 ms per answer', () => {
  it('logs each diff as it finishes, reads each summary once, and ends within 3 rounds of "done"', async () => {
    const latency = 150;
    const { result, datafold, exitedAt, lines } = await timedScenario(finishing(), latency);

    expectSuccess(result);
    const runs = datafold.requests.filter(({ kind }) => kind === 'runs');
    const done = runs[RUNNING_LISTINGS];
    expect(runs).toHaveLength(RUNNING_LISTINGS + 1); // the one that said done was the last
    const doneAt = done.answeredAt ?? NaN;

    // One runs request and one page of data diffs per poll; each summary read once.
    expect(kindCount(datafold.requests, 'datadiffs')).toBe(runs.length);
    const read = summaries(datafold.requests);
    expect(read).toHaveLength(DIFFS);
    expect(new Set(read).size).toBe(DIFFS);

    // After the answer that says done: the last finishers' summaries, then the step ends.
    const rounds = roundsAfter(datafold.requests, doneAt);
    expect(rounds).toBeLessThanOrEqual(2);
    expect((exitedAt - doneAt) / latency).toBeLessThan(3);

    // Before that answer, the log had named most diffs with their result and figures.
    const named = (name: string) =>
      lines.find(({ text }) =>
        text.startsWith(`identical: ANALYTICS.PROD.${name} → ANALYTICS.PR_2.${name}: 1,000 rows — `)
      );
    const early = NAMES.filter((name) => (named(name)?.at ?? Infinity) < doneAt);
    expect(early.length).toBeGreaterThanOrEqual(DIFFS / 2);
    // Each once, all before the line that says the run ended.
    const log = lines.map(({ text }) => text);
    const ended = log.findIndex((text) => text.startsWith('CI run 1001 ended: done'));
    for (const name of NAMES) {
      const at = log.filter((text) => text.includes(`ANALYTICS.PR_2.${name}:`));
      expect(at).toHaveLength(1);
      expect(log.indexOf(at[0])).toBeLessThan(ended);
    }
    expect(log).toContain('2 of 40 data diffs finished: 2 identical');
    expect(log).toContain('40 of 40 data diffs finished: 40 identical');
    expect(JSON.parse(result.outputs['result-counts'])).toEqual({ identical: DIFFS });
  }, 60_000);
});

describe('fail-fast', () => {
  /** T05 turns out different at the fourth listing; the run would end at the twenty-first. */
  const oneDifferent = finishing((i) => (i === 5 ? { result: 'different' } : {}));

  it('fails while the run still goes on, naming the table; the summary shows what is known', async () => {
    const { result, datafold } = await scenario({
      inputs: { wait: 'true', 'fail-on': 'different', 'fail-fast': 'true' },
      datafold: oneDifferent,
      files: { 'diffs.json': diffsFile }
    });

    expectFailure(result, [
      'ANALYTICS.PR_2.T05 (vs ANALYTICS.PROD.T05): different',
      '"fail-on: different"',
      'finished so far in Datafold CI run 1001',
      'The run goes on in Datafold; "fail-fast" stopped waiting for it.'
    ]);
    // Stopped long before the run ended: every runs answer it got said running.
    const runs = datafold.requests.filter(({ kind }) => kind === 'runs');
    expect(runs.length).toBeLessThan(RUNNING_LISTINGS / 2);
    expect(datafold.state.runs[0].status).toBe('running');
    // The outputs hold what is known: every diff of the run, most without a result yet.
    expect(result.outputs['run-status']).toBe('');
    const reports = JSON.parse(result.outputs.results) as Array<{ pr: string; result: string }>;
    expect(reports).toHaveLength(DIFFS);
    expect(reports.find(({ pr }) => pr === 'ANALYTICS.PR_2.T05')?.result).toBe('different');
    const counts = JSON.parse(result.outputs['result-counts']) as Record<string, number>;
    expect(counts.different).toBe(1);
    expect(counts.none).toBeGreaterThan(DIFFS / 2);
    expect(result.summary).toContain(`Datafold CI run 1001 goes on in <a href="${datafold.url}">`);
    expect(result.summary).toContain(
      '⛔ <code>fail-on: different</code>: tripped by 1 data diff so far.'
    );
    expect(result.summary).toContain('<strong>12</strong> of 1,000');
    // Each summary read at most once, and only those of finished diffs.
    const read = summaries(datafold.requests);
    expect(new Set(read).size).toBe(read.length);
    expect(read.length).toBeLessThanOrEqual(DIFFS - counts.none);
  });

  it('without fail-fast, the same run is followed to its end, then fails', async () => {
    const { result, datafold } = await scenario({
      inputs: { wait: 'true', 'fail-on': 'different' },
      datafold: oneDifferent,
      files: { 'diffs.json': diffsFile }
    });

    expectFailure(result, ['1 of 40 data diffs of Datafold CI run 1001 tripped']);
    expect(errors(result)[0]).not.toContain('goes on');
    expect(datafold.requests.filter(({ kind }) => kind === 'runs')).toHaveLength(
      RUNNING_LISTINGS + 1
    );
    expect(result.outputs['run-status']).toBe('done');
  });
});
