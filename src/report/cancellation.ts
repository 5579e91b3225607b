import { constants } from 'node:os';
import type { Outcome } from './outcome.js';

/** A cancelled workflow sends SIGINT, then SIGTERM; the runner kills the step soon after. */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** However the report fares, the process is gone by then: the runner gives little time. */
const EXIT_WITHIN_MS = 800;

/**
 * On the first SIGINT or SIGTERM, runs `report` once and exits with 128 + the signal's
 * number, as a shell reports a process stopped by a signal. In-flight requests are abandoned:
 * waiting for them would outlast the runner's patience. Returns what removes the listeners.
 */
export function onCancel(report: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let cancelled = false;
  const listener = (signal: NodeJS.Signals) => {
    // A second signal (the runner sends SIGTERM after SIGINT) must not cut the report short.
    if (cancelled) return;
    cancelled = true;
    const exit = () => process.exit(128 + constants.signals[signal]);
    const timer = setTimeout(exit, EXIT_WITHIN_MS);
    report(signal).finally(() => {
      clearTimeout(timer);
      exit();
    });
  };
  const remove = () => SIGNALS.forEach((signal) => process.off(signal, listener));
  SIGNALS.forEach((signal) => process.on(signal, listener));
  return remove;
}

/** What the error line says on cancellation: what had already happened, for Datafold. */
export function cancelledMessage(outcome: Outcome, signal: NodeJS.Signals): string {
  const when = `The step was cancelled (${signal}) during "${outcome.stage ?? 'Inputs'}"`;
  if (outcome.submitted) {
    const run =
      outcome.ciRunId == null ? 'the Datafold CI run' : `Datafold CI run ${outcome.ciRunId}`;
    return `${when}: the diffs were submitted; ${run} goes on.`;
  }
  // After a lost answer the run it may have reached is followed: nothing is certain either way.
  if (outcome.answerLost) {
    const run = outcome.ciRunId == null ? 'the CI run' : `CI run ${outcome.ciRunId}`;
    return `${when}: the answer to the submission was lost, so the diffs may or may not have reached Datafold; ${run}, which was being followed, goes on.`;
  }
  if (outcome.stage === 'Submit')
    return `${when}: the diffs were being sent; they may have reached Datafold. Look for the pull request's CI run in Datafold before re-running the job.`;
  return `${when}: nothing was sent to Datafold.`;
}
