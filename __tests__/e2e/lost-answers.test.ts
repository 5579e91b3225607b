/**
 * Submit and trigger are not idempotent (two submits for one pull request make two runs), so a
 * POST that may have reached Datafold is never sent blind again: after each failure that
 * leaves the outcome unknown the action asks for the head commit's runs, resends only when
 * there is none, and otherwise follows that run (`wait`) or fails saying what may have happened.
 */
import { describe, expect, it } from '@jest/globals';
import type { Fault } from '../../stand-ins/server.mjs';
import {
  expectFailure,
  expectSuccess,
  FAILED_AT_DATAFOLD,
  outputs,
  RESULTS_READ,
  runsOf,
  sent,
  sentInOrder,
  SUBMIT,
  TRIGGER,
  times,
  visibleLines,
  WAITED_DONE,
  warnings
} from './run-checks.js';
import { PR, scenario } from './scenario.js';

/** Every failure after the submit was written, and how the action words it. */
const UNKNOWN: Array<{ name: string; fault: Fault; problem: string }> = [
  {
    name: 'the connection dropped before any answer',
    fault: { drop: true },
    problem: 'the connection broke before the whole answer (ECONNRESET)'
  },
  { name: '502', fault: { status: 502, html: true }, problem: 'HTTP 502 (an HTML page)' },
  { name: '504', fault: { status: 504 }, problem: 'HTTP 504: {"detail":"Gateway Timeout"}' },
  {
    name: 'a reset mid-answer (headers sent, body cut)',
    fault: { cut: true },
    problem: 'the connection broke before the whole answer'
  },
  { name: 'no answer in time', fault: { hang: true }, problem: 'no whole answer within 0.5 s' },
  {
    name: 'a stall after the headers',
    fault: { stall: true },
    problem: 'no whole answer within 0.5 s'
  },
  {
    // The deadline covers the body too: 30-odd bytes, 100 ms apart, outlast 0.5 s.
    name: 'an answer that trickles past the deadline',
    fault: { trickleMs: 100 },
    problem: 'no whole answer within 0.5 s'
  },
  {
    name: 'a 200 that is not JSON',
    fault: { body: 'Service restarting' },
    problem: 'HTTP 200 but not JSON: Service restarting'
  }
];

const ENV = { DATAFOLD_CI_ACTION_REQUEST_TIMEOUT_MS: '500' };
/** Datafold knows PR #2's head commit, so its run is listed once the webhook created it. */
const runForHead = { waitingPrs: [{ pr_num: 2, pr_sha: PR.head.sha }] };
const LOST = `Datafold's answer to submitting the diffs for pull request #2 was lost (`;
const LISTED = `, and Datafold lists CI run 1001 for commit ${PR.head.sha}`;

describe.each(UNKNOWN)('$name, after Datafold took the diffs', ({ fault, problem }) => {
  // The answer is lost once Datafold has acted; a run of the head commit is listed.
  const taken = { ...fault, afterProcessing: true };

  it.concurrent('without wait: one POST, no trigger, and a failure that says why', async () => {
    const { result, datafold } = await scenario({
      inputs: { 'on-missing-run': 'trigger' },
      datafold: runForHead,
      env: ENV,
      faults: { datafold: [{ match: 'submit', fault: taken }] }
    });

    expectFailure(result, [
      `${LOST}${problem}`,
      `${LISTED}: the diffs for pull request #2 may or may not have reached Datafold, so they were not sent again.`,
      're-running the job sends them again'
    ]);
    expect(result.outputs).toEqual(FAILED_AT_DATAFOLD);
    expect(sent(datafold)).toEqual([SUBMIT, runsOf()]);
    expect(datafold.state.accepted).toHaveLength(1);
  });

  it.concurrent('with wait: one POST, then that run is followed; not "submitted"', async () => {
    const { result, datafold } = await scenario({
      inputs: { 'on-missing-run': 'trigger', wait: 'true' },
      datafold: runForHead,
      env: ENV,
      faults: { datafold: [{ match: 'submit', fault: taken }] }
    });

    expectSuccess(result);
    expect(result.outputs).toEqual(outputs({ ...WAITED_DONE, submitted: 'false', 'run-id': '' }));
    expect(sentInOrder(datafold)).toEqual([SUBMIT, runsOf(), runsOf(), ...RESULTS_READ]);
    expect(datafold.state.accepted).toHaveLength(1);
    const [warning, ...more] = warnings(result);
    expect(more).toEqual([]);
    expect(warning).toContain(`${LOST}${problem}`);
    expect(warning).toContain(
      `${LISTED}: the diffs may or may not have reached it, so they were not sent again; following CI run 1001.`
    );
    expect(result.summary).toContain('answer to the submission was lost');
    expect(result.summary).toContain('following CI run 1001');
  });
});

describe.each(UNKNOWN)('$name, before Datafold acted', ({ fault, problem }) => {
  // No run is listed for the head commit: nothing was attached, so the POST is sent again,
  // and the "no run waiting" it then gets may trigger one.
  it.concurrent.each([{ wait: 'false' }, { wait: 'true' }])(
    'wait: $wait: sent again, then triggered',
    async ({ wait }) => {
      const { result, datafold } = await scenario({
        inputs: { 'on-missing-run': 'trigger', wait },
        datafold: { waitingPrs: [] },
        env: ENV,
        faults: { datafold: [{ match: 'submit', fault }] }
      });

      expectSuccess(result);
      const waited = wait === 'true' ? [runsOf(), ...RESULTS_READ] : [];
      expect(result.outputs).toEqual(outputs(wait === 'true' ? WAITED_DONE : {}));
      expect(sentInOrder(datafold)).toEqual([SUBMIT, runsOf(), SUBMIT, TRIGGER, SUBMIT, ...waited]);
      expect(datafold.state.accepted).toHaveLength(1);
      expect(visibleLines(result)).toContainEqual(
        expect.stringContaining(
          `Datafold shows no trace of submitting the diffs for pull request #2 after ${problem}`
        )
      );
    }
  );
});

describe('turned away: sent again without asking', () => {
  it.concurrent.each([{ wait: 'false' }, { wait: 'true' }])(
    '503, wait: $wait',
    async ({ wait }) => {
      const { result, datafold } = await scenario({
        inputs: { wait },
        datafold: runForHead,
        faults: { datafold: [{ match: 'submit', times: 2, fault: { status: 503 } }] }
      });

      expectSuccess(result);
      expect(result.outputs).toEqual(outputs(wait === 'true' ? WAITED_DONE : {}));
      const waited = wait === 'true' ? [runsOf(), ...RESULTS_READ] : [];
      expect(sentInOrder(datafold)).toEqual([...times(3, SUBMIT), ...waited]);
    }
  );
});

describe('lost answers that leave nothing to check', () => {
  it.concurrent('a lost answer four times, no run listed: gives up after 4 POSTs', async () => {
    const { result, datafold } = await scenario({
      datafold: { waitingPrs: [] },
      faults: { datafold: [{ match: 'submit', times: 4, fault: { status: 502 } }] }
    });

    expectFailure(result, ['failed 4 times while submitting the diffs for pull request #2']);
    // Each attempt is checked, the last one too: a run then would change the message.
    expect(sent(datafold)).toEqual(Array.from({ length: 4 }, () => [SUBMIT, runsOf()]).flat());
  });

  it.concurrent(
    'the trigger answer lost, a run listed: not sent again, nothing submitted',
    async () => {
      const { result, datafold } = await scenario({
        inputs: { 'on-missing-run': 'trigger', wait: 'true' },
        datafold: { waitingPrs: [] },
        faults: { datafold: [{ match: 'trigger', fault: { drop: true, afterProcessing: true } }] }
      });

      expectFailure(result, [
        "Datafold's answer to starting a CI run for pull request #2 was lost",
        `Datafold lists CI run 1001 for commit ${PR.head.sha}: it may or may not have started one`
      ]);
      expect(sent(datafold)).toEqual([SUBMIT, TRIGGER, runsOf()]);
    }
  );
});
