import * as core from '@actions/core';
import { HttpClient } from '@actions/http-client';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActionError } from '../errors.js';
import { tunedMs } from '../timing.js';
import { VERSION } from '../version.js';

/** SPEC's policy for every Datafold request; tests may shorten the waits through the environment. */
export interface RequestPolicy {
  timeoutMs: number;
  attempts: number;
  backoffBaseMs: number;
  maxRetryAfterMs: number;
}

export function defaultPolicy(): RequestPolicy {
  return {
    timeoutMs: tunedMs('REQUEST_TIMEOUT_MS', 30_000),
    attempts: 4,
    backoffBaseMs: tunedMs('BACKOFF_BASE_MS', 1_000),
    maxRetryAfterMs: 60_000
  };
}

export interface DatafoldResponse {
  status: number;
  json: unknown;
  /** An earlier attempt may have reached Datafold and been processed before its answer was lost. */
  uncertain: boolean;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A failed attempt worth another one, and whether Datafold may have processed it anyway. */
class RetryableFailure extends Error {
  constructor(
    message: string,
    readonly mayHaveBeenProcessed: boolean,
    readonly retryAfterMs?: number
  ) {
    super(message);
  }
}

/** Connection errors raised before the request could reach the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH'
]);

export interface RequestOptions {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** What the request does, for messages: "submitting the diffs". */
  what: string;
  /** What a 404 means for this request. */
  notFound: string;
}

export class DatafoldHttp {
  readonly #host: string;
  readonly #apiKey: string;
  readonly #policy: RequestPolicy;
  readonly #proxyAware = new HttpClient();

  constructor(host: string, apiKey: string, policy: RequestPolicy = defaultPolicy()) {
    this.#host = host;
    this.#apiKey = apiKey;
    this.#policy = policy;
  }

  get host(): string {
    return this.#host;
  }

  async request(options: RequestOptions): Promise<DatafoldResponse> {
    const { attempts, backoffBaseMs, maxRetryAfterMs } = this.#policy;
    let uncertain = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.#attempt(options);
        return { status: response.status, json: this.#parse(response, options), uncertain };
      } catch (error) {
        if (!(error instanceof RetryableFailure)) throw error;
        uncertain ||= error.mayHaveBeenProcessed;
        if (attempt >= attempts) {
          throw new ActionError(
            `Datafold at ${this.#host} failed ${attempts} times while ${options.what}; the last attempt: ${error.message}. Datafold may be down: re-run the job later.`
          );
        }
        const delayMs = Math.min(
          error.retryAfterMs ?? backoffBaseMs * 2 ** (attempt - 1),
          maxRetryAfterMs
        );
        core.info(
          `Datafold: ${error.message}; attempt ${attempt + 1} of ${attempts} in ${(delayMs / 1000).toFixed(1)} s.`
        );
        await sleep(delayMs);
      }
    }
  }

  async #attempt(options: RequestOptions): Promise<RawResponse> {
    const url = new URL(`${this.#host}${options.path}`);
    let response: RawResponse;
    try {
      response = await this.#send(url, options);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new RetryableFailure(
        code === 'ETIMEDOUT' ? message : `connection error (${code ?? message})`,
        !NOT_SENT_CODES.has(code ?? '')
      );
    }
    core.debug(
      `Datafold: ${options.method} ${url.pathname}${url.search} answered ${response.status}.`
    );
    const { status } = response;
    if (status === 429 || status >= 500) {
      // 429 and 503 say the request was turned away; other 5xx may come after processing.
      throw new RetryableFailure(
        `HTTP ${status}${describeBody(response.body)}`,
        status !== 429 && status !== 503,
        retryAfterMs(response.headers['retry-after'])
      );
    }
    if (status >= 400) throw this.#clientError(response, options);
    return response;
  }

  #send(url: URL, options: RequestOptions): Promise<RawResponse> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: http.OutgoingHttpHeaders = {
      Authorization: `Key ${this.#apiKey}`,
      Accept: 'application/json',
      'User-Agent': `datafold-ci-action/${VERSION}`
    };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      // The agent routes through https_proxy unless no_proxy exempts the host.
      const request = transport.request(
        url,
        { method: options.method, headers, agent: this.#proxyAware.getAgent(url.href) },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8')
            })
          );
        }
      );
      // One deadline for the whole exchange, answer body included.
      const timer = setTimeout(() => {
        const timeout: NodeJS.ErrnoException = new Error(
          `no answer within ${this.#policy.timeoutMs / 1000} s`
        );
        timeout.code = 'ETIMEDOUT';
        request.destroy(timeout);
      }, this.#policy.timeoutMs);
      request.on('error', reject);
      request.on('close', () => clearTimeout(timer));
      request.end(body);
    });
  }

  #parse(response: RawResponse, options: RequestOptions): unknown {
    try {
      return JSON.parse(response.body);
    } catch {
      throw new ActionError(
        `Datafold at ${this.#host} answered ${options.what} with HTTP ${response.status} but not with JSON${describeBody(response.body)}. Check that "host" is your Datafold address.`
      );
    }
  }

  #clientError(response: RawResponse, options: RequestOptions): ActionError {
    const { status } = response;
    const prefix = `Datafold at ${this.#host} refused ${options.what} (HTTP ${status})`;
    if (status === 401 || status === 403) {
      return new ActionError(
        `${prefix}: the API key was rejected. Check that the "api-key" secret holds a valid Datafold API key for ${this.#host}.`
      );
    }
    if (status === 404) return new ActionError(`${prefix}: ${options.notFound}`);
    const details = validationDetails(response.body);
    if (status === 422 && details) {
      return new ActionError(
        `${prefix}: Datafold found the request invalid:\n${details.join('\n')}`
      );
    }
    return new ActionError(`${prefix}${describeBody(response.body)}`);
  }
}

/** Datafold's 422 body, `{"detail": [{"loc": [...], "msg": "..."}]}`, as one line per problem. */
function validationDetails(body: string): string[] | undefined {
  try {
    const { detail } = JSON.parse(body) as { detail?: unknown };
    if (!Array.isArray(detail)) return typeof detail === 'string' ? [detail] : undefined;
    return detail.map((item: { loc?: unknown; msg?: unknown }) => {
      const location = Array.isArray(item?.loc) ? item.loc.join(' → ') : '';
      return `  - ${location ? `${location}: ` : ''}${String(item?.msg ?? JSON.stringify(item))}`;
    });
  } catch {
    return undefined;
  }
}

/** A short, single-line excerpt of an answer body; HTML pages are named, not dumped. */
function describeBody(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  if (/^<(!doctype|html)/i.test(text)) return ' (an HTML page)';
  const excerpt = text.replace(/\s+/g, ' ');
  return `: ${excerpt.length > 200 ? `${excerpt.slice(0, 200)}…` : excerpt}`;
}

/** `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
