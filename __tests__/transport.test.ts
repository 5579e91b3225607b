import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { send, transportFetch } from '../src/http/transport.js';

/** Two loopback origins: `a` redirects to itself and to `b`; both echo what they saw. */
const seen: { origin: string; path: string; authorization?: string }[] = [];
const servers: http.Server[] = [];
let a = '';
let b = '';

function serve(name: string): Promise<string> {
  const server = http.createServer((request, response) => {
    seen.push({
      origin: name,
      path: request.url ?? '',
      authorization: request.headers.authorization
    });
    if (request.url === '/hang') return; // never answers
    if (request.url === '/drop') return void request.socket.destroy();
    if (request.url === '/cut') {
      response.writeHead(200, { 'content-length': '100' }).write('{"partial":');
      return void setTimeout(() => request.socket.destroy(), 20);
    }
    if (request.url === '/endless') return void endless(response);
    if (request.url === '/moved') return void response.writeHead(301, { location: '/here' }).end();
    if (request.url === '/away')
      return void response.writeHead(302, { location: `${b}/there` }).end();
    if (request.url === '/empty') return void response.writeHead(204).end();
    if (request.url === '/nowhere') return void response.writeHead(302).end();
    response
      .writeHead(200, { 'content-type': 'application/json', 'x-thing': '1' })
      .end('{"ok":true}');
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    )
  );
}

/** A body that never ends, written as fast as the client reads it. */
function endless(response: http.ServerResponse) {
  const chunk = Buffer.alloc(64 * 1024, ' ');
  response.writeHead(200, { 'content-type': 'application/json' });
  const more = () => {
    while (response.write(chunk));
  };
  response.on('drain', more);
  more();
}

beforeAll(async () => {
  a = await serve('a');
  b = await serve('b');
});

afterAll(() => {
  for (const server of servers) server.closeAllConnections();
  return Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('send', () => {
  const post = (path: string, headers = {}) =>
    send({ method: 'POST', url: new URL(`${a}${path}`), headers, body: '{}', timeoutMs: 300 });

  it.each([
    [
      'a request written, then no answer within the deadline',
      '/hang',
      'no whole answer within 0.3 s'
    ],
    [
      'a connection closed before any answer',
      '/drop',
      'the connection broke before the whole answer'
    ],
    ['an answer cut after its headers', '/cut', 'the connection broke before the whole answer']
  ])('fails %s as lost: it may have been acted on', async (_, path, message) => {
    await expect(post(path)).rejects.toMatchObject({
      failure: 'lost',
      message: expect.stringContaining(message)
    });
  });

  it('fails a refused connection as not sent', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      send({ method: 'POST', url: new URL(`http://127.0.0.1:${port}/`), headers: {}, body: '{}' })
    ).rejects.toMatchObject({ failure: 'not-sent', message: 'no connection (ECONNREFUSED)' });
  });

  it('refuses a header value with a line break without connecting', async () => {
    seen.length = 0;
    await expect(post('/x', { authorization: 'Key abc\ndef' })).rejects.toMatchObject({
      failure: 'invalid',
      message: expect.stringContaining('a header value holds a line break')
    });
    expect(seen).toEqual([]);
  });

  it('stops reading an endless answer at the limit', async () => {
    await expect(
      send({ method: 'GET', url: new URL(`${a}/endless`), headers: {}, timeoutMs: 20_000 })
    ).rejects.toMatchObject({
      failure: 'too-large',
      message: expect.stringContaining('larger than 32 MiB')
    });
  });
});

describe('send through a proxy', () => {
  /** A CONNECT proxy that tunnels every host to server `a`, and lists what it was asked for. */
  function startProxy(): Promise<{ url: string; tunnels: string[] }> {
    const tunnels: string[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (request, client: net.Socket, head: Buffer) => {
      tunnels.push(request.url ?? '');
      const target = net.connect(Number(new URL(a).port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        target.write(head);
        target.pipe(client).pipe(target);
      });
    });
    servers.push(proxy);
    return new Promise((resolve) =>
      proxy.listen(0, '127.0.0.1', () =>
        resolve({ url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels })
      )
    );
  }

  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('tunnels through http_proxy to a host the runner cannot reach itself', async () => {
    const proxy = await startProxy();
    process.env.http_proxy = proxy.url;
    seen.length = 0;
    const answer = await send({
      method: 'GET',
      url: new URL('http://datafold.invalid/via-proxy'),
      headers: {}
    });
    expect(answer.status).toBe(200);
    expect(proxy.tunnels).toEqual(['datafold.invalid:80']);
    expect(seen).toEqual([{ origin: 'a', path: '/via-proxy', authorization: undefined }]);
  });

  it('goes direct for hosts that no_proxy exempts', async () => {
    const proxy = await startProxy();
    process.env.http_proxy = proxy.url;
    process.env.no_proxy = 'datafold.invalid';
    await expect(
      send({ method: 'GET', url: new URL('http://datafold.invalid/direct'), headers: {} })
    ).rejects.toThrow();
    expect(proxy.tunnels).toEqual([]);
  });
});

describe('transportFetch', () => {
  const fetch = transportFetch(2000);

  it('answers like fetch: status, headers, body', async () => {
    const response = await fetch(`${a}/x`, { headers: { authorization: 'token t' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-thing')).toBe('1');
    await expect(response.json()).resolves.toEqual({ ok: true });
    const empty = await fetch(`${a}/empty`);
    expect([empty.status, await empty.text()]).toEqual([204, '']);
  });

  it('refuses a token with a line break without quoting it or connecting', async () => {
    seen.length = 0;
    const failure = fetch(`${a}/x`, { headers: { authorization: 'token secret\nvalue' } });
    await expect(failure).rejects.toMatchObject({
      failure: 'invalid',
      message: expect.not.stringContaining('secret')
    });
    expect(seen).toEqual([]);
  });

  it('follows redirects, and keeps the token to the same origin only', async () => {
    seen.length = 0;
    expect((await fetch(`${a}/moved`, { headers: { authorization: 'token t' } })).status).toBe(200);
    expect(seen).toEqual([
      { origin: 'a', path: '/moved', authorization: 'token t' },
      { origin: 'a', path: '/here', authorization: 'token t' }
    ]);
    seen.length = 0;
    expect((await fetch(`${a}/away`, { headers: { authorization: 'token t' } })).status).toBe(200);
    expect(seen).toEqual([
      { origin: 'a', path: '/away', authorization: 'token t' },
      { origin: 'b', path: '/there', authorization: undefined }
    ]);
  });

  it('returns a redirect without a Location as it is, as fetch does', async () => {
    seen.length = 0;
    expect((await fetch(`${a}/nowhere`)).status).toBe(302);
    expect(seen).toEqual([{ origin: 'a', path: '/nowhere', authorization: undefined }]);
  });
});
