import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
    if (request.url === '/moved') return void response.writeHead(301, { location: '/here' }).end();
    if (request.url === '/away')
      return void response.writeHead(302, { location: `${b}/there` }).end();
    if (request.url === '/empty') return void response.writeHead(204).end();
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

beforeAll(async () => {
  a = await serve('a');
  b = await serve('b');
});

afterAll(() => {
  for (const server of servers) server.closeAllConnections();
  return Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('send', () => {
  it('fails an exchange that outlives its deadline, with ETIMEDOUT', async () => {
    const started = Date.now();
    await expect(
      send({ method: 'GET', url: new URL(`${a}/hang`), headers: {}, timeoutMs: 100 })
    ).rejects.toMatchObject({
      code: 'ETIMEDOUT'
    });
    expect(Date.now() - started).toBeLessThan(2000);
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
});
