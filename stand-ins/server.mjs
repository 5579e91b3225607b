// @ts-check
/**
 * The loopback HTTP harness both stand-ins (Datafold, GitHub) are built on: it records every
 * request, plays scripted faults, and closes without leaving sockets or timers behind, hung
 * requests included, so jest sees no open handles.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path  path and query string, as sent
 * @property {http.IncomingHttpHeaders} headers  names lower-cased by node
 * @property {string} body  the raw body, '' when none
 * @property {unknown} json  the body parsed as JSON; undefined when empty or not JSON
 * @property {string} kind  the endpoint the stand-in routed it to ('unknown' when none)
 * @property {Fault} [fault]  the scripted fault played for it
 * @property {number} [streamed]  with an `endless` fault: body bytes written before the client left
 * @property {Reply} [reply]  the answer given (status and body); cut short or trickled with those faults
 * @property {number} at  when it arrived (Date.now(), once its body was read)
 * @property {number} [answeredAt]  when its whole answer was handed to the socket, if it was
 */

/**
 * A scripted misbehaviour. The answer kinds (`status`, `json`, `body`, `html`) reply without
 * processing the request, as a proxy or an overloaded server would, unless `afterProcessing`.
 * `cut`, `stall` and `trickleMs` mangle the service's own answer (the request is processed).
 * @typedef {object} Fault
 * @property {number} [status]  reply with this status; alone it gets the service's own error body
 * @property {Record<string, string>} [headers]  extra reply headers (retry-after, x-ratelimit-*)
 * @property {unknown} [json]  reply with this JSON (status 200 unless given)
 * @property {string} [body]  reply with this raw text labelled application/json (a lying server)
 * @property {boolean} [html]  reply with an HTML error page (status 200 unless given)
 * @property {boolean} [drop]  destroy the socket without answering
 * @property {boolean} [afterProcessing]  process the request first, then play the fault (a lost answer)
 * @property {boolean} [hang]  never answer
 * @property {boolean} [cut]  send the headers and half the body, then reset the connection
 * @property {boolean} [stall]  send the headers, then nothing more
 * @property {number} [trickleMs]  send the body one byte every this many ms
 * @property {boolean} [endless]  a 200 JSON answer whose body never ends
 * @property {number} [delayMs]  wait first, then play the rest of the fault or answer normally
 */

/**
 * @typedef {object} ScriptEntry
 * @property {string | ((request: RecordedRequest) => boolean)} match  an endpoint kind, 'any', or a predicate
 * @property {number} [times]  how many matching requests it applies to (default 1; Infinity for all)
 * @property {Fault} fault
 */

/**
 * @typedef {object} Reply
 * @property {number} status
 * @property {unknown} [json]
 * @property {string} [body]  raw text, when there is no `json`
 * @property {Record<string, string>} [headers]
 */

/**
 * What a stand-in makes of a request: its endpoint kind (for fault matching) and how to serve it.
 * @typedef {object} Route
 * @property {string} kind
 * @property {(request: RecordedRequest) => Reply} handle
 */

/**
 * @typedef {object} Server
 * @property {string} url  http://127.0.0.1:<port>, no trailing slash
 * @property {number} port
 * @property {RecordedRequest[]} requests  every request received, in order
 * @property {(entries: ScriptEntry[]) => void} script  queue faults (appended to what is left)
 * @property {() => ScriptEntry[]} unplayed  queued faults not yet used up
 * @property {(ms: number) => void} setLatency  from now on, every answer waits `ms` first, as over a network
 * @property {() => Promise<void>} close
 */

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

/**
 * @param {object} options
 * @param {(method: string, url: URL) => Route} options.route
 * @param {(status: number) => unknown} options.errorJson  the service's error body for a bare `status` fault
 * @returns {Promise<Server>}
 */
export async function startServer({ route, errorJson }) {
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {Array<ScriptEntry & { left: number }>} */
  const queue = [];
  // Aborts pending delays on close, so no timer outlives the server.
  const closing = new AbortController();
  // Every delayed answer listens to it: a page of concurrent requests is no leak.
  setMaxListeners(0, closing.signal);
  let latencyMs = 0;

  /** @param {RecordedRequest} request */
  function takeFault(request) {
    const i = queue.findIndex(({ match }) =>
      typeof match === 'function' ? match(request) : match === 'any' || match === request.kind
    );
    if (i < 0) return undefined;
    const entry = queue[i];
    if (--entry.left <= 0) queue.splice(i, 1);
    return entry.fault;
  }

  const server = http.createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const { kind, handle } = route(method, new URL(path, 'http://stand-in'));
      /** @type {RecordedRequest} */
      const request = {
        method,
        path,
        headers: req.headers,
        body,
        json: parseJson(body),
        kind,
        at: Date.now()
      };
      requests.push(request);
      const fault = takeFault(request);
      if (fault) request.fault = fault;

      if (latencyMs > 0) await sleep(latencyMs, undefined, { signal: closing.signal });
      if (fault?.delayMs) await sleep(fault.delayMs, undefined, { signal: closing.signal });
      const processed = fault?.afterProcessing ? handle(request) : undefined;
      if (fault?.hang) return; // close() destroys the socket
      if (fault?.drop) return void req.socket.destroy();
      if (fault?.endless) return void sendForever(res, request);
      const reply = (fault && faultReply(fault, errorJson)) ?? processed ?? handle(request);
      request.reply = reply;
      if (fault?.cut || fault?.stall || fault?.trickleMs) {
        await sendMangled(res, reply, fault, closing.signal);
        return;
      }
      send(res, reply);
      request.answeredAt = Date.now();
    } catch (error) {
      // The client went away or the server is closing: nobody is left to answer.
      if (closing.signal.aborted || req.socket.destroyed) return;
      // A bug in a stand-in: answer loudly instead of crashing the test process.
      send(res, {
        status: 500,
        body: `stand-in error: ${error instanceof Error ? error.stack : error}`
      });
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('stand-in: no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    script(entries) {
      queue.push(...entries.map((entry) => ({ ...entry, left: entry.times ?? 1 })));
    },
    unplayed: () => queue.map(({ left, ...entry }) => ({ ...entry, times: left })),
    close() {
      closing.abort();
      return new Promise((resolve) => {
        server.close(() => resolve());
        // Keep-alive and hung connections would otherwise keep close() waiting forever.
        server.closeAllConnections();
      });
    },
    setLatency(ms) {
      latencyMs = ms;
    }
  };
}

/**
 * How many rounds of requests, each waiting on the one before, arrived from `since` on: a request
 * that arrived once an answer of the current round had been sent starts a new round. With every
 * answer delayed (`setLatency`), this counts the answers a client waited for one after another.
 * @param {RecordedRequest[]} requests
 * @param {number} since  a Date.now() time, e.g. when a given answer was sent
 */
export function roundsAfter(requests, since) {
  const after = requests.filter(({ at }) => at >= since).sort((a, b) => a.at - b.at);
  let rounds = 0;
  let roundAnswered = -Infinity;
  for (const request of after) {
    if (request.at >= roundAnswered) {
      rounds++;
      roundAnswered = Infinity;
    }
    if (request.answeredAt !== undefined)
      roundAnswered = Math.min(roundAnswered, request.answeredAt);
  }
  return rounds;
}

/**
 * The reply an answering fault makes, or undefined for faults that only delay.
 * @param {Fault} fault
 * @param {(status: number) => unknown} errorJson
 * @returns {Reply | undefined}
 */
function faultReply(fault, errorJson) {
  const { status, headers } = fault;
  if (fault.json !== undefined) return { status: status ?? 200, json: fault.json, headers };
  if (fault.body !== undefined)
    return {
      status: status ?? 200,
      body: fault.body,
      headers: { 'content-type': 'application/json', ...headers }
    };
  if (fault.html)
    return {
      status: status ?? 200,
      body: HTML_PAGE,
      headers: { 'content-type': 'text/html', ...headers }
    };
  if (status !== undefined) return { status, json: errorJson(status), headers };
  return undefined;
}

/**
 * @param {http.ServerResponse} res
 * @param {Reply} reply
 */
function send(res, reply) {
  const { head, body } = encode(reply);
  res.writeHead(reply.status, head);
  res.end(body);
}

/** @param {Reply} reply */
function encode(reply) {
  const isJson = reply.json !== undefined;
  const body = Buffer.from(isJson ? JSON.stringify(reply.json) : (reply.body ?? ''));
  const head = {
    'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    'content-length': String(body.length),
    ...reply.headers
  };
  return { head, body };
}

/**
 * A reply with its full headers (so the client expects the whole body) and a body that is
 * cut short, never sent, or sent a byte at a time.
 * @param {http.ServerResponse} res
 * @param {Reply} reply
 * @param {Fault} fault
 * @param {AbortSignal} signal
 */
async function sendMangled(res, reply, fault, signal) {
  const { head, body } = encode(reply);
  res.writeHead(reply.status, head);
  if (fault.stall) return res.flushHeaders(); // close() destroys the socket
  if (fault.cut) {
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    // Once the half is on its way, a reset instead of the rest.
    await sleep(50, undefined, { signal });
    return void res.socket?.resetAndDestroy();
  }
  for (const byte of body) {
    if (res.destroyed) return;
    res.write(Buffer.of(byte));
    await sleep(fault.trickleMs, undefined, { signal });
  }
  res.end();
}

/**
 * The start of a JSON list, then spaces forever, as fast as the client reads; counts what left.
 * @param {http.ServerResponse} res
 * @param {RecordedRequest} request
 */
function sendForever(res, request) {
  const chunk = Buffer.alloc(64 * 1024, ' ');
  request.streamed = 0;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.write('[');
  const more = () => {
    for (let room = true; room && !res.destroyed;) {
      request.streamed = (request.streamed ?? 0) + chunk.length;
      room = res.write(chunk);
    }
  };
  res.on('drain', more);
  more();
}

/** @param {http.IncomingMessage} req */
async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** @param {string} text */
function parseJson(text) {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
