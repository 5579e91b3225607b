import * as core from '@actions/core';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { ActionError } from '../runtime/errors.js';
import {
  Retryable,
  retryAfterMs,
  retryPolicy,
  verdict,
  withRetries,
  type Failure,
  type RetryPolicy
} from '../http/retry.js';
import { send, TransportError } from '../http/transport.js';
import { excerpt } from '../inputs/secrets.js';
import { VERSION } from '../runtime/version.js';
import { cutList } from '../runtime/lists.js';

interface DatafoldResponse {
  status: number;
  json: unknown;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A read, or a POST with its body and the check for when its outcome is unknown. */
type RequestOptions = {
  path: string;
  /** What the request does, for messages: "submitting the diffs". */
  what: string;
  /** What a 404 means for this request. */
  notFound: string;
  /** What a 403 means for this request, when not that the key was rejected. */
  forbidden?: string;
} & ({ method: 'GET' } | { method: 'POST'; body: unknown; ifUnknown: IfUnknown });

/**
 * For a POST that may have reached Datafold but got no answer that can be read (`problem`
 * says what happened): returns when Datafold shows it left no trace, so it is sent again;
 * throws otherwise.
 */
export type IfUnknown = (problem: string) => Promise<void>;

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
    try {
      return await withRetries('Datafold', this.#policy, () => this.#attempt(options));
    } catch (error) {
      if (!(error instanceof Retryable)) throw error;
      throw new ActionError(
        `Datafold at ${this.#host} failed ${this.#policy.attempts} times while ${options.what}; the last attempt: ${error.message}. Datafold may be down: re-run the job later.`
      );
    }
  }

  async #attempt(options: RequestOptions): Promise<DatafoldResponse> {
    const url = new URL(`${this.#host}${options.path}`);
    let response: RawResponse;
    try {
      response = await this.#send(url, options);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return this.#failed(options, error.failure, error.message);
    }
    core.debug(
      `Datafold: ${options.method} ${url.pathname}${url.search} answered ${response.status}.`
    );
    const { status } = response;
    if (status === 429 || status >= 500) {
      const waitMs = retryAfterMs(response.headers['retry-after']);
      return this.#failed(options, status, `HTTP ${status}${describeBody(response.body)}`, waitMs);
    }
    if (status >= 400) throw this.#clientError(response, options);
    if (status >= 300) {
      const location = response.headers.location ?? 'another address';
      throw new ActionError(
        `Datafold at ${this.#host} redirected ${options.what} (HTTP ${status}) to ${location}: set "host" to the address of the API itself.`
      );
    }
    try {
      return { status, json: JSON.parse(response.body) };
    } catch {
      return this.#failed(
        options,
        'unreadable',
        `HTTP ${status} but not JSON${describeBody(response.body)}`
      );
    }
  }

  /** Acts on the verdict for a failed attempt: resend, ask Datafold, or fail. */
  async #failed(
    options: RequestOptions,
    failure: Failure,
    problem: string,
    waitMs?: number
  ): Promise<never> {
    const action = verdict(options.method, failure);
    if (action === 'resend') throw new Retryable(problem, undefined, waitMs);
    // Only a POST's outcome can be unknown.
    if (action === 'unknown' && options.method === 'POST') {
      await options.ifUnknown(problem);
      core.info(`Datafold shows no trace of ${options.what} after ${problem}.`);
      throw new Retryable(problem, undefined);
    }
    if (failure === 'unreadable') {
      throw new ActionError(
        `Datafold at ${this.#host} answered ${options.what} with ${problem}. Check that "host" is your Datafold address.`
      );
    }
    throw new ActionError(`Datafold at ${this.#host} failed while ${options.what}: ${problem}.`);
  }

  async #send(url: URL, options: RequestOptions): Promise<RawResponse> {
    const body = options.method === 'POST' ? JSON.stringify(options.body) : undefined;
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

  #clientError(response: RawResponse, options: RequestOptions): ActionError {
    const { status } = response;
    const prefix = `Datafold at ${this.#host} refused ${options.what} (HTTP ${status})`;
    if (status === 403 && options.forbidden)
      return new ActionError(`${prefix}: ${options.forbidden}`);
    if (status === 401 || status === 403) {
      return new ActionError(
        `${prefix}: the API key was rejected. Check that the "api-key" secret holds a valid Datafold API key for ${this.#host}.`
      );
    }
    if (status === 404) return new ActionError(`${prefix}: ${options.notFound}`);
    const details = validationDetails(response.body);
    if (status === 422 && details) {
      return new ActionError(
        `${prefix}: Datafold found the request invalid:\n  - ${cutList(details, { separator: '\n  - ' })}`
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
      return `${location ? `${location}: ` : ''}${String(item?.msg ?? JSON.stringify(item))}`;
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
  return `: ${excerpt(text.replace(/\s+/g, ' '))}`;
}
