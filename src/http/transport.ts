import type { HttpClient } from '@actions/http-client';
import http from 'node:http';
import https from 'node:https';
import { tunedMs } from '../timing.js';

export interface Exchange {
  method: string;
  url: URL;
  headers: http.OutgoingHttpHeaders;
  body?: string;
  /** Default: the documented 30 s for every request. */
  timeoutMs?: number;
  signal?: AbortSignal | null;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];
const proxyClients = new Map<string, HttpClient>();

/**
 * With a proxy configured, @actions/http-client's agent, which tunnels through https_proxy or
 * http_proxy unless no_proxy exempts the host (self-hosted runners behind a proxy need this for
 * Datafold and GitHub alike). Without one, a plain agent per request: the proxy machinery is
 * only loaded when it has work to do. One client per protocol, as a client keeps one agent.
 */
async function agentFor(url: URL): Promise<http.Agent | false> {
  if (!PROXY_VARIABLES.some((name) => process.env[name])) return false;
  const { HttpClient } = await import('@actions/http-client');
  let client = proxyClients.get(url.protocol);
  if (client === undefined) proxyClients.set(url.protocol, (client = new HttpClient()));
  return client.getAgent(url.href);
}

/** One HTTP exchange with a deadline for all of it, answer body included. */
export async function send(exchange: Exchange): Promise<Answer> {
  const { url, method, headers, body, signal } = exchange;
  const timeoutMs = exchange.timeoutMs ?? tunedMs('REQUEST_TIMEOUT_MS', 30_000);
  const transport = url.protocol === 'https:' ? https : http;
  const agent = await agentFor(url);
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      { method, headers, agent, signal: signal ?? undefined },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks)
          })
        );
      }
    );
    const timer = setTimeout(() => {
      const timeout: NodeJS.ErrnoException = new Error(`no answer within ${timeoutMs / 1000} s`);
      timeout.code = 'ETIMEDOUT';
      request.destroy(timeout);
    }, timeoutMs);
    request.on('error', reject);
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
    const headers: http.OutgoingHttpHeaders = Object.fromEntries(
      new Headers(init.headers).entries()
    );
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    let answer = await send({ method, url, headers, body, timeoutMs, signal: init.signal });
    // As fetch does for reads: GitHub redirects the API of a renamed repository.
    for (let hops = 0; REDIRECTS.has(answer.status) && method === 'GET' && hops < 5; hops++) {
      const next = new URL(String(answer.headers.location), url);
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
