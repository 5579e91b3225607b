import * as core from '@actions/core';
import type { CiRun } from './api.js';
import { excerpt } from '../inputs/secrets.js';
import { ActionError } from '../runtime/errors.js';
import { tunedMs } from '../runtime/timing.js';

export interface WaitTiming {
  pollIntervalMs: number;
  /** How long a run may go unlisted: after the submission, or after it was last listed. */
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
 * The newest CI run of the head commit, judged poll by poll: its status changes are logged (and
 * a line a minute, not every poll), its end is recognised, and waiting stops with a clear
 * message when no run is listed for too long or the timeout passes.
 */
export class RunWatch {
  readonly #start = Date.now();
  #lastStatus: string | undefined;
  #lastLog = this.#start;
  /** The run last listed, and when: a run that vanishes later is named by what was seen. */
  #seen: { run: CiRun; at: number } | undefined;

  constructor(
    private readonly headSha: string,
    private readonly timing: WaitTiming
  ) {}

  /** Since the watch began, as messages show it. */
  get elapsed(): string {
    return seconds(Date.now() - this.#start);
  }

  /**
   * Takes one answer of the runs list: the run's final status once it has ended, else
   * undefined (keep polling). Throws when there is no run to wait for or the timeout passed.
   */
  judge(run: CiRun | undefined): string | undefined {
    const now = Date.now();
    const elapsed = now - this.#start;
    if (run) this.#seen = { run, at: now };
    if (run && FINAL_STATUSES.has(run.status)) return run.status;
    if (run && run.status !== this.#lastStatus) {
      core.info(`CI run ${run.id}: ${statusOf(run)}`);
      this.#lastStatus = run.status;
      this.#lastLog = now;
    } else if (now - this.#lastLog >= PROGRESS_EVERY_MS) {
      core.info(`Still waiting (${seconds(elapsed)}): ${this.#state(run)}.`);
      this.#lastLog = now;
    }
    const seen = this.#seen;
    if (!run && now - (seen?.at ?? this.#start) >= this.timing.appearWithinMs) {
      throw new ActionError(
        seen
          ? `Datafold listed CI run ${seen.run.id} (${statusOf(seen.run)}) for commit ${this.headSha} ${seconds(seen.at - this.#start)} after the submission, and has listed no run for it since (${seconds(now - seen.at)}), so the run cannot be followed any more. Look for it in Datafold.`
          : `Datafold lists no CI run for commit ${this.headSha} ${seconds(elapsed)} after the submission, so there is nothing to wait for. Check the CI config in Datafold.`
      );
    }
    if (elapsed >= this.timing.timeoutMs) {
      const state = this.#state(run);
      throw new ActionError(
        `${state[0].toUpperCase()}${state.slice(1)} after ${seconds(elapsed)}: gave up waiting ("wait-timeout-minutes"). The run goes on in Datafold.`
      );
    }
    return undefined;
  }

  /** How long to wait before the next poll: the interval, never past the timeout. */
  nextPollMs(): number {
    const left = this.timing.timeoutMs - (Date.now() - this.#start);
    return Math.max(0, Math.min(this.timing.pollIntervalMs, left));
  }

  #state(run: CiRun | undefined): string {
    if (run) return `CI run ${run.id} is still ${statusOf(run)}`;
    return this.#seen ? `CI run ${this.#seen.run.id} is no longer listed` : 'no CI run appeared';
  }
}

/** A run's status as messages show it: Datafold's text, cut, or a word for none. */
const statusOf = (run: CiRun) => excerpt(run.status.trim(), 60) || 'without a status';

function seconds(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
