import { describe, expect, it, jest } from '@jest/globals';
import { cancelledMessage, onCancel } from '../src/report/cancellation.js';

describe('cancelledMessage', () => {
  it.each([
    [{ submitted: false }, 'SIGINT', 'during "Inputs": nothing was sent to Datafold.'],
    [
      { submitted: false, stage: 'Rules' },
      'SIGTERM',
      'during "Rules": nothing was sent to Datafold.'
    ],
    [
      { submitted: false, stage: 'Submit' },
      'SIGTERM',
      'during "Submit": the diffs were being sent; they may have reached Datafold. Look for the pull request\'s CI run in Datafold before re-running the job.'
    ],
    [
      { submitted: true, stage: 'Wait', ciRunId: 1001 },
      'SIGTERM',
      'during "Wait": the diffs were submitted; Datafold CI run 1001 goes on.'
    ],
    [
      { submitted: false, stage: 'Wait', ciRunId: 1001, answerLost: 'The answer was lost' },
      'SIGTERM',
      'during "Wait": the answer to the submission was lost, so the diffs may or may not have reached Datafold; CI run 1001, which was being followed, goes on.'
    ],
    [
      { submitted: true, stage: 'Submit', ciRunId: null },
      'SIGINT',
      'during "Submit": the diffs were submitted; the Datafold CI run goes on.'
    ]
  ] as const)('%j on %s says what had happened', (outcome, signal, says) => {
    expect(cancelledMessage(outcome, signal)).toBe(`The step was cancelled (${signal}) ${says}`);
  });
});

describe('onCancel', () => {
  it('reports once on the first signal, then exits with 128 + its number', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const report = jest.fn((_signal: NodeJS.Signals) => Promise.resolve());
    const remove = onCancel(report);
    try {
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGTERM', 'SIGTERM');
      await new Promise((resolve) => setImmediate(resolve));
      expect(report.mock.calls).toEqual([['SIGINT']]);
      expect(exit.mock.calls).toEqual([[130]]);
    } finally {
      remove();
      exit.mockRestore();
    }
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([0, 0]);
  });
});
