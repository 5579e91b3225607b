import * as core from '@actions/core';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { ActionError } from '../errors.js';
import {
  Retryable,
  retryAfterMs,
  retryPolicy,
  withRetries,
  type RetryPolicy
} from '../http/retry.js';
import { send } from '../http/transport.js';
import { VERSION } from '../version.js';

export interface DatafoldResponse {
  status: number;
  json: unknown;
  /** An earlier attempt may have reached Datafold and been processed before its answer was lost. */
  uncertain: boolean;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A failed attempt worth another one, and whether Datafold may have processed it anyway. */
class RetryableFailure extends Retryable {
  constructor(
    message: string,
    readonly mayHaveBeenProcessed: boolean,
    waitMs?: number
  ) {
    super(message, undefined, waitMs);
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
  readonly #policy: RetryPolicy;

  constructor(host: string, apiKey: string, policy: RetryPolicy = retryPolicy()) {
    this.#host = host;
    this.#apiKey = apiKey;
    this.#policy = policy;
  }

  get host(): string {
    return this.#host;
  }

  async request(options: RequestOptions): Promise<DatafoldResponse> {
    let uncertain = false;
    try {
      const response = await withRetries('Datafold', this.#policy, () =>
        this.#attempt(options).catch((error: unknown) => {
          if (error instanceof RetryableFailure) uncertain ||= error.mayHaveBeenProcessed;
          throw error;
        })
      );
      return { status: response.status, json: this.#parse(response, options), uncertain };
    } catch (error) {
      if (!(error instanceof RetryableFailure)) throw error;
      throw new ActionError(
        `Datafold at ${this.#host} failed ${this.#policy.attempts} times while ${options.what}; the last attempt: ${error.message}. Datafold may be down: re-run the job later.`
      );
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
    if (status >= 300) {
      const location = response.headers.location ?? 'another address';
      throw new ActionError(
        `Datafold at ${this.#host} redirected ${options.what} (HTTP ${status}) to ${location}: set "host" to the address of the API itself.`
      );
    }
    return response;
  }

  async #send(url: URL, options: RequestOptions): Promise<RawResponse> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: OutgoingHttpHeaders = {
      Authorization: `Key ${this.#apiKey}`,
      Accept: 'application/json',
      'User-Agent': `datafold-ci-action/${VERSION}`
    };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const answer = await send({
      method: options.method,
      url,
      headers,
      body
    });
    return { status: answer.status, headers: answer.headers, body: answer.body.toString('utf8') };
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
