import * as core from '@actions/core';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatafoldApi } from './api.js';
import { ActionError } from '../runtime/errors.js';
import { tunedMs } from '../runtime/timing.js';

interface WaitTiming {
  pollIntervalMs: number;
  /** How long a run may take to appear in the list after the submission. */
  appearWithinMs: number;
  timeoutMs: number;
}

const FINAL_STATUSES = new Set(['done', 'failed', 'cancelled']);
const PROGRESS_EVERY_MS = 60_000;

export function waitTiming(timeoutMinutes: number): WaitTiming {
  return {
    pollIntervalMs: tunedMs('POLL_INTERVAL_MS', 5_000),
    appearWithinMs: tunedMs('RUN_APPEAR_WITHIN_MS', 60_000),
    timeoutMs: timeoutMinutes * 60_000
  };
}

/**
 * Polls the newest CI run of the head commit until it ends; returns its final status.
 * Logs status changes and a line a minute, not every poll.
 */
export async function waitForRun(
  api: DatafoldApi,
  headSha: string,
  timing: WaitTiming
): Promise<string> {
  const start = Date.now();
  let lastStatus: string | undefined;
  let lastLog = start;
  for (;;) {
    const run = await api.latestRun(headSha);
    const elapsed = Date.now() - start;
    if (run && FINAL_STATUSES.has(run.status)) {
      core.info(`CI run ${run.id} ended: ${run.status} (after ${seconds(elapsed)}).`);
      return run.status;
    }
    if (run && run.status !== lastStatus) {
      core.info(`CI run ${run.id}: ${run.status}`);
      lastStatus = run.status;
      lastLog = Date.now();
    } else if (Date.now() - lastLog >= PROGRESS_EVERY_MS) {
      core.info(
        `Still waiting (${seconds(elapsed)}): ${run ? `CI run ${run.id} is ${run.status}` : 'no CI run listed yet'}.`
      );
      lastLog = Date.now();
    }
    if (!run && elapsed >= timing.appearWithinMs) {
      throw new ActionError(
        `Datafold lists no CI run for commit ${headSha} ${seconds(elapsed)} after the submission, so there is nothing to wait for. Check the CI config in Datafold.`
      );
    }
    if (elapsed >= timing.timeoutMs) {
      throw new ActionError(
        `${run ? `CI run ${run.id} is still ${run.status}` : 'No CI run appeared'} after ${seconds(elapsed)}: gave up waiting ("wait-timeout-minutes"). The run goes on in Datafold.`
      );
    }
    await sleep(Math.min(timing.pollIntervalMs, timing.timeoutMs - elapsed));
  }
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
