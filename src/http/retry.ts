import * as core from '@actions/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { tunedMs } from '../runtime/timing.js';
import type { TransportFailure } from './transport.js';

/** The retry policy docs/reliability.md documents, shared by Datafold and GitHub requests. */
export interface RetryPolicy {
  attempts: number;
  backoffBaseMs: number;
  /** Longest wait for a server's Retry-After or rate-limit reset; a longer one fails instead. */
  maxWaitMs: number;
}

export function retryPolicy(): RetryPolicy {
  return { attempts: 4, backoffBaseMs: tunedMs('BACKOFF_BASE_MS', 1_000), maxWaitMs: 60_000 };
}

/** Thrown by an attempt worth another one; `waitMs` is what the server asked for, if it did. */
export class Retryable extends Error {
  constructor(
    message: string,
    readonly cause: unknown,
    readonly waitMs?: number
  ) {
    super(message);
  }
}

/** What went wrong with one request: a transport failure, an answer that is not JSON, or a status. */
export type Failure = TransportFailure | 'unreadable' | number;

/**
 * What to do after a failed request. `resend`: it certainly did not reach the server, or
 * the request is a read. `unknown`: a POST (submit, trigger: not idempotent) may have been
 * acted on; ask the server before sending it again. `final`: no resend can help.
 */
type Verdict = 'resend' | 'unknown' | 'final';

export function verdict(method: string, failure: Failure): Verdict {
  const read = method === 'GET';
  switch (failure) {
    case 'not-sent':
    case 429:
    case 503:
      return 'resend';
    case 'lost':
      return read ? 'resend' : 'unknown';
    // An answer that cannot be read came after the request was taken in.
    case 'unreadable':
    case 'too-large':
      return read ? 'final' : 'unknown';
    default:
      if (typeof failure === 'number' && failure >= 500) return read ? 'resend' : 'unknown';
      return 'final';
  }
}

/**
 * Runs `attempt` until it succeeds, throws something other than `Retryable`, or has been
 * tried `policy.attempts` times (then the last `Retryable` is thrown). Back-off doubles
 * from `backoffBaseMs`; a server's wait is honoured up to `maxWaitMs`.
 */
export async function withRetries<T>(
  label: string,
  policy: RetryPolicy,
  attempt: () => Promise<T>
): Promise<T> {
  for (let number = 1; ; number++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Retryable) || number >= policy.attempts) throw error;
      const waitMs = Math.min(
        error.waitMs ?? policy.backoffBaseMs * 2 ** (number - 1),
        policy.maxWaitMs
      );
      core.info(
        `${label}: ${error.message}; attempt ${number + 1} of ${policy.attempts} in ${(waitMs / 1000).toFixed(1)} s.`
      );
      await sleep(waitMs);
    }
  }
}

/** `Retry-After` in seconds or as an HTTP date, in ms. */
export function retryAfterMs(header: string | string[] | null | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
