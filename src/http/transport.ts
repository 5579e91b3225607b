import { HttpClient } from '@actions/http-client';
import http from 'node:http';
import https from 'node:https';
import { tunedMs } from '../runtime/timing.js';

interface Exchange {
  method: string;
  url: URL;
  headers: http.OutgoingHttpHeaders;
  body?: string;
  /** Default: the documented 30 s for every request. */
  timeoutMs?: number;
  signal?: AbortSignal | null;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];
const proxyClients = new Map<string, HttpClient>();

/**
 * With a proxy configured, @actions/http-client's agent, which tunnels through https_proxy or
 * http_proxy unless no_proxy exempts the host (self-hosted runners behind a proxy need this for
 * Datafold and GitHub alike). Without one, a plain agent per request. One client per protocol,
 * as a client keeps one agent.
 */
function agentFor(url: URL): http.Agent | false {
  if (!PROXY_VARIABLES.some((name) => process.env[name])) return false;
  let client = proxyClients.get(url.protocol);
  if (client === undefined) proxyClients.set(url.protocol, (client = new HttpClient()));
  return client.getAgent(url.href);
}

/** Why an exchange got no whole answer, as far as resending it is concerned. */
export type TransportFailure =
  /** No connection (DNS, refused, unreachable, TLS handshake), or the request was not yet written. */
  | 'not-sent'
  /** Written, then no whole answer: the deadline passed, or the connection broke. */
  | 'lost'
  /** The server's TLS certificate does not verify: not transient. */
  | 'certificate'
  /** The request cannot be sent at all, e.g. a header value with a line break. */
  | 'invalid'
  /** The answer passed ANSWER_LIMIT_BYTES. */
  | 'too-large';

export class TransportError extends Error {
  constructor(
    readonly failure: TransportFailure,
    message: string
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** No answer of Datafold's or GitHub's comes near this; a server sending more is not one of them. */
const ANSWER_LIMIT_BYTES = 32 * 1024 * 1024;

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID'
]);

/** Node refuses to send these requests; sending them again cannot help. */
const INVALID_REQUEST_CODES = new Set([
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS'
]);

/** Node's and fetch's own messages may quote the header value: a secret. */
const invalidRequest = () =>
  new TransportError(
    'invalid',
    'the request could not be sent: a header value holds a line break or another character HTTP does not allow. Check the API key and token inputs'
  );

/** Names a node error by what it means for the request; `written`: the whole request left. */
function transportError(error: unknown, written: boolean, url: URL): TransportError {
  if (error instanceof TransportError) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  if (code !== undefined && CERTIFICATE_CODES.has(code)) {
    return new TransportError(
      'certificate',
      `the TLS certificate of ${url.host} does not verify (${code}: ${message}). If it is signed by a private certificate authority, set NODE_EXTRA_CA_CERTS to that authority's PEM file in the job's env; otherwise check the address`
    );
  }
  if (code !== undefined && INVALID_REQUEST_CODES.has(code)) return invalidRequest();
  return written
    ? new TransportError(
        'lost',
        `the connection broke before the whole answer (${code ?? message})`
      )
    : new TransportError('not-sent', `no connection (${code ?? message})`);
}

/**
 * One HTTP exchange with a deadline for all of it, answer body included. Fails with a
 * TransportError that says whether the request may have reached the server.
 */
export async function send(exchange: Exchange): Promise<Answer> {
  const { url, method, headers, body, signal } = exchange;
  const timeoutMs = exchange.timeoutMs ?? tunedMs('REQUEST_TIMEOUT_MS', 30_000);
  const transport = url.protocol === 'https:' ? https : http;
  const agent = agentFor(url);
  return new Promise((resolve, reject) => {
    // Until the whole request is handed to the connection, the server cannot have acted on it.
    let written = false;
    let request: http.ClientRequest;
    const fail = (error: unknown) => {
      // A cancelled step's abort is no transport failure: nothing is retried after it.
      reject(signal?.aborted ? error : transportError(error, written, url));
      request.destroy();
    };
    try {
      request = transport.request(
        url,
        { method, headers, agent, signal: signal ?? undefined },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= ANSWER_LIMIT_BYTES) return void chunks.push(chunk);
            fail(
              new TransportError(
                'too-large',
                `the answer is larger than ${ANSWER_LIMIT_BYTES / 2 ** 20} MiB, far more than this API sends`
              )
            );
          });
          response.on('error', fail);
          response.on('close', () => {
            if (!response.complete) fail(new Error('closed mid-answer'));
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks)
            })
          );
        }
      );
    } catch (error) {
      // Node validates headers as it builds the request.
      return reject(transportError(error, false, url));
    }
    const timer = setTimeout(
      () =>
        fail(
          new TransportError(
            written ? 'lost' : 'not-sent',
            `no whole answer within ${timeoutMs / 1000} s`
          )
        ),
      timeoutMs
    );
    request.on('finish', () => (written = true));
    request.on('error', fail);
    request.on('close', () => clearTimeout(timer));
    request.end(body);
  });
}

/**
 * `fetch` for Octokit over the same proxy-aware transport, so GitHub requests honour the
 * runner's proxy settings without bundling a second HTTP stack.
 */
export function transportFetch(timeoutMs?: number): typeof fetch {
  return async (input, init = {}) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    const method = init.method ?? 'GET';
    let headers: http.OutgoingHttpHeaders;
    try {
      headers = Object.fromEntries(new Headers(init.headers).entries());
    } catch {
      throw invalidRequest();
    }
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    let answer = await send({ method, url, headers, body, timeoutMs, signal: init.signal });
    // As fetch does for reads: GitHub redirects the API of a renamed repository.
    // A redirect that names no address is returned as it is, as fetch returns it.
    for (
      let hops = 0;
      REDIRECTS.has(answer.status) && answer.headers.location && method === 'GET' && hops < 5;
      hops++
    ) {
      const next = new URL(answer.headers.location, url);
      // Like fetch, the token goes to the same origin only.
      if (next.origin !== url.origin) delete headers.authorization;
      url = next;
      answer = await send({ method, url, headers, timeoutMs, signal: init.signal });
    }
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const item of Array.isArray(value) ? value : [value ?? ''])
        responseHeaders.append(name, item);
    }
    // 204 and 304 answers may not carry a body.
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : new Uint8Array(answer.body), {
      status: answer.status,
      headers: responseHeaders
    });
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
