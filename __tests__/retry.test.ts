import { describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';

jest.unstable_mockModule('@actions/core', () => core);
const { Retryable, retryAfterMs, verdict, withRetries } = await import('../src/http/retry.js');

const policy = { attempts: 4, backoffBaseMs: 1, maxWaitMs: 5 };

describe('withRetries', () => {
  it('retries a Retryable failure until an attempt succeeds', async () => {
    const attempt = jest
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Retryable('HTTP 503', undefined))
      .mockRejectedValueOnce(new Retryable('HTTP 502', undefined))
      .mockResolvedValueOnce('ok');
    await expect(withRetries('Test', policy, attempt)).resolves.toBe('ok');
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(core.info.mock.calls.map(([line]) => line)).toEqual([
      'Test: HTTP 503; attempt 2 of 4 in 0.0 s.',
      'Test: HTTP 502; attempt 3 of 4 in 0.0 s.'
    ]);
  });

  it('gives up after the last attempt with the last failure', async () => {
    const attempt = jest
      .fn<() => Promise<string>>()
      .mockRejectedValue(new Retryable('HTTP 503', undefined));
    await expect(withRetries('Test', policy, attempt)).rejects.toThrow('HTTP 503');
    expect(attempt).toHaveBeenCalledTimes(4);
  });

  it('does not retry other failures', async () => {
    const attempt = jest.fn<() => Promise<string>>().mockRejectedValue(new Error('HTTP 404'));
    await expect(withRetries('Test', policy, attempt)).rejects.toThrow('HTTP 404');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('waits what the server asks, capped', async () => {
    const attempt = jest
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Retryable('HTTP 429', undefined, 60_000))
      .mockResolvedValueOnce('ok');
    const started = Date.now();
    await withRetries('Test', policy, attempt);
    // The 60 s asked for is cut to maxWaitMs (5 ms).
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(['0'])).toBe(0);
    expect(retryAfterMs(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(retryAfterMs(new Date(Date.now() - 10_000).toUTCString())).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('')).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('verdict', () => {
  // Which failure of which method is sent again, checked with Datafold first, or final.
  it.each([
    // failure,        GET,      POST
    ['not-sent', 'resend', 'resend'],
    [429, 'resend', 'resend'],
    [503, 'resend', 'resend'],
    [500, 'resend', 'unknown'],
    [502, 'resend', 'unknown'],
    [504, 'resend', 'unknown'],
    ['lost', 'resend', 'unknown'],
    ['unreadable', 'final', 'unknown'],
    ['certificate', 'final', 'final'],
    ['invalid', 'final', 'final'],
    ['too-large', 'final', 'unknown'],
    [400, 'final', 'final'],
    [404, 'final', 'final'],
    [422, 'final', 'final']
  ] as const)('%s: GET %s, POST %s', (failure, get, post) => {
    expect([verdict('GET', failure), verdict('POST', failure)]).toEqual([get, post]);
  });
});
