/**
 * The stand-ins and the runner harness, checked on their own with plain fetch, so an e2e
 * failure points at the action and not at the test rig.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDatafold } from '../../stand-ins/datafold.mjs';
import { githubFaults, startGitHub } from '../../stand-ins/github.mjs';
import {
  actionDefaults,
  parseOutputFile,
  parseWorkflowCommands,
  TEST_GITHUB_TOKEN
} from '../../stand-ins/runner.mjs';
import { expectNoSecret, launch, payloadFor, type LaunchResult } from './launch.js';

const KEY = { authorization: 'Key test-api-key', 'content-type': 'application/json' };
const DIFFS = [
  { prod: 'PROD.ORDERS', pr: 'PR.ORDERS', pk: ['ID'], include_columns: [], exclude_columns: [] }
];
const TRIGGER = {
  pr_number: 7,
  base_branch: 'main',
  base_sha: 'b'.repeat(40),
  pr_sha: 'a'.repeat(40),
  pr_branch: 'feat'
};

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function datafold(options?: Parameters<typeof startDatafold>[0]) {
  const server = await startDatafold(options);
  closers.push(server.close);
  return server;
}

async function github(options?: Parameters<typeof startGitHub>[0]) {
  const server = await startGitHub(options);
  closers.push(server.close);
  return server;
}

const post = (url: string, body: unknown, headers: Record<string, string> = KEY) =>
  fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });

describe('Datafold stand-in', () => {
  it('accepts one submit per waiting run, then answers nulls', async () => {
    const df = await datafold();
    const first = await post(`${df.url}/api/v1/ci/123/7`, DIFFS);
    expect(await first.json()).toEqual({
      ci_run_id: expect.any(Number),
      run_id: expect.any(Number)
    });
    const second = await post(`${df.url}/api/v1/ci/123/7`, DIFFS);
    expect(await second.json()).toEqual({ ci_run_id: null, run_id: null });
    expect(df.state.accepted).toEqual([
      expect.objectContaining({ configId: 123, prNum: 7, diffs: DIFFS })
    ]);
    expect(df.requests.map((r) => [r.method, r.path, r.kind])).toEqual([
      ['POST', '/api/v1/ci/123/7', 'submit'],
      ['POST', '/api/v1/ci/123/7', 'submit']
    ]);
    expect(df.requests[0]).toMatchObject({
      json: DIFFS,
      headers: { authorization: 'Key test-api-key' }
    });
  });

  it('has no run waiting for PRs outside waitingPrs until one is triggered', async () => {
    const df = await datafold({ waitingPrs: [] });
    expect(await (await post(`${df.url}/api/v1/ci/123/7`, DIFFS)).json()).toEqual({
      ci_run_id: null,
      run_id: null
    });

    const triggered = await post(`${df.url}/api/v1/ci/123/trigger`, TRIGGER);
    const { ci_run_id } = (await triggered.json()) as { ci_run_id: number };
    const submitted = await post(`${df.url}/api/v1/ci/123/7`, DIFFS);
    expect(await submitted.json()).toEqual({ ci_run_id, run_id: expect.any(Number) });
  });

  it('answers a trigger without every field with a FastAPI 422', async () => {
    const df = await datafold();
    const { pr_sha: _omitted, ...body } = TRIGGER;
    const response = await post(`${df.url}/api/v1/ci/123/trigger`, body);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: [{ loc: ['body', 'pr_sha'], msg: 'field required', type: 'value_error.missing' }]
    });
  });

  it('lists runs newest first, moving submitted runs through the status sequence', async () => {
    const sha = 'c'.repeat(40);
    const df = await datafold({
      waitingPrs: [{ pr_num: 7, pr_sha: sha }, 8],
      statusSequence: ['running', 'done']
    });
    await post(`${df.url}/api/v1/ci/123/7`, DIFFS);
    const list = async (query: string) =>
      (await fetch(`${df.url}/api/v1/ci/123/runs?${query}`, { headers: KEY })).json();

    expect(await list('')).toEqual([
      expect.objectContaining({ pr_num: '8', status: 'waiting' }),
      expect.objectContaining({ pr_num: '7', status: 'running' })
    ]);
    const [run] = (await list(`pr_sha=${sha}&limit=1`)) as object[];
    // Datafold's ApiCiRun: strings throughout (what the stand-in does not know is empty).
    expect(run).toEqual({
      id: expect.any(Number),
      base_branch: '',
      base_sha: '',
      pr_branch: '',
      pr_sha: sha,
      pr_num: '7',
      status: 'done',
      source: 'api'
    });
  });

  it('rejects a wrong key and an unknown CI config as Datafold does', async () => {
    const df = await datafold({ configIds: [123] });
    const wrongKey = await post(`${df.url}/api/v1/ci/123/7`, DIFFS, { authorization: 'Key nope' });
    expect([wrongKey.status, await wrongKey.json()]).toEqual([401, { detail: 'Invalid API key' }]);
    const unknownConfig = await post(`${df.url}/api/v1/ci/999/7`, DIFFS);
    expect([unknownConfig.status, await unknownConfig.json()]).toEqual([
      404,
      { detail: 'Not found' }
    ]);
    expect(df.state.accepted).toEqual([]);
  });
});

describe('scripted faults', () => {
  const submit = (url: string) => post(`${url}/api/v1/ci/123/7`, DIFFS);

  it('answers with a status and headers for `times` matching requests, then normally', async () => {
    const df = await datafold();
    df.script([
      { match: 'submit', times: 2, fault: { status: 429, headers: { 'retry-after': '0' } } }
    ]);
    await fetch(`${df.url}/api/v1/ci/123/runs`, { headers: KEY }); // not a submit: untouched
    const first = await submit(df.url);
    expect([first.status, first.headers.get('retry-after'), await first.json()]).toEqual([
      429,
      '0',
      { detail: 'Too Many Requests' }
    ]);
    expect((await submit(df.url)).status).toBe(429);
    expect((await submit(df.url)).status).toBe(200);
    expect(df.unplayed()).toEqual([]);
    expect(df.state.accepted).toHaveLength(1);
  });

  it('drops the connection before or after processing the request', async () => {
    const df = await datafold();
    df.script([
      { match: 'submit', fault: { drop: true } },
      { match: 'submit', fault: { drop: true, afterProcessing: true } }
    ]);
    await expect(submit(df.url)).rejects.toThrow('fetch failed');
    expect(df.state.accepted).toHaveLength(0);
    await expect(submit(df.url)).rejects.toThrow('fetch failed');
    expect(df.state.accepted).toHaveLength(1); // the lost response: accepted, but the client never heard
  });

  it('answers after processing with any fault: a 504 for a submit it took', async () => {
    const df = await datafold();
    df.script([{ match: 'submit', fault: { status: 504, afterProcessing: true } }]);
    expect((await submit(df.url)).status).toBe(504);
    expect(df.state.accepted).toHaveLength(1);
  });

  it("cuts or stalls the service's own answer (the request is processed)", async () => {
    const df = await datafold();
    df.script([
      { match: 'submit', fault: { cut: true } },
      { match: 'submit', fault: { stall: true } }
    ]);
    const cut = await submit(df.url);
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow('terminated');
    expect(df.state.accepted).toHaveLength(1);
    const stalled = await submit(df.url);
    expect(stalled.status).toBe(200);
    const body = stalled.text();
    await df.close();
    await expect(body).rejects.toThrow('terminated');
  });

  it('trickles an answer a byte at a time', async () => {
    const df = await datafold();
    df.script([{ match: 'submit', fault: { trickleMs: 10 } }]);
    const started = Date.now();
    const answer = await (await submit(df.url)).json();
    expect(answer).toEqual({ ci_run_id: 1001, run_id: 5001 });
    // {"ci_run_id":1001,"run_id":5001}: 32 bytes, 10 ms apart.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('streams an answer forever, as fast as the client reads, counting what it sent', async () => {
    const df = await datafold();
    df.script([{ match: 'submit', fault: { endless: true } }]);
    const reader = (await submit(df.url)).body!.getReader();
    let read = 0;
    while (read < 4 * 2 ** 20) read += (await reader.read()).value?.length ?? 0;
    await reader.cancel();
    expect(df.requests[0].streamed).toBeGreaterThanOrEqual(read);
  });

  it('hangs until the server closes, and still closes', async () => {
    const df = await datafold();
    df.script([{ match: 'any', fault: { hang: true } }]);
    const pending = submit(df.url);
    while (df.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await df.close();
    await expect(pending).rejects.toThrow('fetch failed');
  });

  it('delays an answer', async () => {
    const df = await datafold();
    df.script([{ match: 'submit', fault: { delayMs: 200 } }]);
    const started = Date.now();
    expect((await submit(df.url)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('answers HTML, text that is not JSON, or arbitrary JSON', async () => {
    const df = await datafold();
    df.script([
      { match: 'submit', fault: { html: true, status: 502 } },
      { match: 'submit', fault: { body: 'not json', status: 200 } },
      {
        match: (request) => request.path.endsWith('/7'),
        fault: { json: { ci_run_id: null, run_id: null } }
      }
    ]);
    const html = await submit(df.url);
    expect([html.status, html.headers.get('content-type'), await html.text()]).toEqual([
      502,
      'text/html',
      expect.stringContaining('<html>')
    ]);
    const text = await submit(df.url);
    expect([text.headers.get('content-type'), await text.text()]).toEqual([
      'application/json',
      'not json'
    ]);
    expect(await (await submit(df.url)).json()).toEqual({ ci_run_id: null, run_id: null });
    expect(df.state.accepted).toEqual([]);
    expect(df.requests.map((r) => r.fault !== undefined)).toEqual([true, true, true]);
  });
});

describe('GitHub stand-in', () => {
  const head = { sha: 'a'.repeat(40), ref: 'feature' };
  const base = { sha: 'b'.repeat(40), ref: 'main' };
  const files = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ filename: `models/m${i}.sql` }));

  it("serves a pull request in GitHub's shape, and 404s what it does not know", async () => {
    const gh = await github({
      pulls: [{ number: 5, head, base, labels: ['datafold'], files: files(2) }]
    });
    const pull = await (await fetch(`${gh.url}/repos/owner/repo/pulls/5`)).json();
    expect(pull).toMatchObject({
      number: 5,
      state: 'open',
      url: `${gh.url}/repos/owner/repo/pulls/5`,
      html_url: 'https://github.com/owner/repo/pull/5',
      head: { ...head, label: 'owner:feature', repo: { full_name: 'owner/repo' } },
      base: { ...base, label: 'owner:main' },
      labels: [{ name: 'datafold' }],
      changed_files: 2
    });
    const missing = await fetch(`${gh.url}/repos/owner/repo/pulls/6`);
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { message: 'Not Found', documentation_url: expect.any(String), status: '404' }
    ]);
    expect((await fetch(`${gh.url}/repos/other/repo/pulls/5`)).status).toBe(404);
  });

  it('paginates files with Link headers and stops at 3000 files', async () => {
    const gh = await github({ pulls: [{ number: 5, head, base, files: files(3500) }] });
    const page1 = await fetch(`${gh.url}/repos/owner/repo/pulls/5/files?per_page=100`);
    expect((await page1.json()) as unknown[]).toHaveLength(100);
    expect(page1.headers.get('link')).toBe(
      `<${gh.url}/repos/owner/repo/pulls/5/files?per_page=100&page=2>; rel="next", ` +
        `<${gh.url}/repos/owner/repo/pulls/5/files?per_page=100&page=30>; rel="last"`
    );
    const page30 = await fetch(`${gh.url}/repos/owner/repo/pulls/5/files?per_page=100&page=30`);
    const lastFiles = (await page30.json()) as Array<{ filename: string }>;
    expect(lastFiles.at(-1)?.filename).toBe('models/m2999.sql');
    expect(page30.headers.get('link')).not.toContain('rel="next"');
    const pull = (await (await fetch(`${gh.url}/repos/owner/repo/pulls/5`)).json()) as {
      changed_files: number;
    };
    expect(pull.changed_files).toBe(3500);
  });

  it('serves commits, the pulls of a commit and the labels of a pull request', async () => {
    const gh = await github({
      pulls: [{ number: 5, head, base, labels: ['a', 'b'], shas: ['c'.repeat(40)] }],
      commits: { ['c'.repeat(40)]: 'Fix\n\ndatafold-skip-ci' }
    });
    const get = async (p: string) => (await fetch(`${gh.url}/repos/owner/repo${p}`)).json();
    expect(await get(`/commits/${'c'.repeat(40)}`)).toMatchObject({
      commit: { message: 'Fix\n\ndatafold-skip-ci' }
    });
    expect(await get(`/commits/${head.sha}`)).toMatchObject({
      sha: head.sha,
      commit: { message: expect.any(String) }
    });
    expect((await fetch(`${gh.url}/repos/owner/repo/commits/${'d'.repeat(40)}`)).status).toBe(422);
    expect(await get(`/commits/${'c'.repeat(40)}/pulls`)).toEqual([
      expect.objectContaining({ number: 5 })
    ]);
    expect(await get(`/commits/${'d'.repeat(40)}/pulls`)).toEqual([]);
    expect(await get('/pulls/5')).toMatchObject({
      labels: [expect.objectContaining({ name: 'a' }), expect.objectContaining({ name: 'b' })]
    });
  });

  it('checks the token and plays faults with their headers', async () => {
    const gh = await github({ token: 'ghs_x', pulls: [{ number: 5, head, base }] });
    const url = `${gh.url}/repos/owner/repo/pulls/5`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer ghs_x' } })).status).toBe(200);

    gh.script([
      { match: 'pull', fault: githubFaults.rateLimited(1) },
      { match: 'pull', fault: { status: 500 } }
    ]);
    const limited = await fetch(url, { headers: { authorization: 'token ghs_x' } });
    expect([limited.status, limited.headers.get('x-ratelimit-remaining')]).toEqual([403, '0']);
    const failed = await fetch(url, { headers: { authorization: 'token ghs_x' } });
    expect([failed.status, await failed.json()]).toEqual([
      500,
      expect.objectContaining({ status: '500' })
    ]);
  });
});

describe('runner harness', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A throwaway "action" that reports its environment through the runner's files. */
  async function fakeAction(source: string) {
    dir = await mkdtemp(path.join(tmpdir(), 'fake-action-'));
    const script = path.join(dir, 'index.mjs');
    await writeFile(script, source);
    return script;
  }

  it('runs with a clean runner env, action.yml defaults, and reads outputs and summary', async () => {
    const script = await fakeAction(`
      import { appendFileSync } from 'node:fs';
      const out = (text) => appendFileSync(process.env.GITHUB_OUTPUT, text);
      out('env<<ghadelimiter_1\\n' + JSON.stringify(process.env) + '\\nghadelimiter_1\\n');
      out('cwd=' + process.cwd() + '\\n');
      appendFileSync(process.env.GITHUB_STEP_SUMMARY, '### Summary\\n');
      console.log('::add-mask::s3cret');
      console.log('::error file=diffs.json,line=7,col=12::entry 2%3A bad%0Anext');
      process.exitCode = 3;
    `);
    process.env.INPUT_LEAKED = 'x'; // the parent's INPUT_* and GITHUB_* must not reach the action
    let result: LaunchResult;
    try {
      result = await launch({
        script,
        eventName: 'pull_request',
        payload: payloadFor('pull_request', (p) => p.action === 'opened'),
        inputs: { 'ci-config-id': '123' },
        files: { 'diffs.json': '[]' }
      });
    } finally {
      delete process.env.INPUT_LEAKED;
    }
    const env = JSON.parse(result.outputs.env) as Record<string, string>;
    expect(result.code).toBe(3);
    expect(env).toMatchObject({
      'INPUT_CI-CONFIG-ID': '123',
      'INPUT_GITHUB-TOKEN': TEST_GITHUB_TOKEN,
      'INPUT_SKIP-MARKER': 'datafold-skip-ci',
      INPUT_WAIT: 'false',
      'INPUT_API-KEY': '',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: 'owner/repo',
      GITHUB_REF: 'refs/pull/2/merge',
      GITHUB_ACTIONS: 'true'
    });
    expect(env).not.toHaveProperty('INPUT_LEAKED');
    expect(env).not.toHaveProperty('NODE_OPTIONS');
    expect(result.outputs.cwd).toBe(env.GITHUB_WORKSPACE);
    expect(result.summary).toBe('### Summary\n');
    expect(result.commands).toContainEqual({
      command: 'error',
      properties: { file: 'diffs.json', line: '7', col: '12' },
      message: 'entry 2%3A bad\nnext'
    });
    expectNoSecret(result, 's3cret'); // only in the ::add-mask:: line
    expect(() => expectNoSecret({ ...result, summary: 'key s3cret' }, 's3cret')).toThrow();
  });

  it('kills an action that runs too long', async () => {
    const script = await fakeAction('setInterval(() => {}, 1000);');
    const result = await launch({
      script,
      eventName: 'push',
      payload: payloadFor('push'),
      timeoutMs: 300
    });
    expect(result).toMatchObject({ code: null, timedOut: true });
  });

  it('refuses inputs action.yml does not declare', async () => {
    await expect(
      launch({ eventName: 'push', payload: {}, inputs: { 'ci-confg-id': '1' } })
    ).rejects.toThrow('ci-confg-id');
  });

  it('reads action.yml defaults and the runner file formats', () => {
    expect(actionDefaults('t')).toMatchObject({
      'github-token': 't',
      'on-missing-run': 'warn',
      diffs: ''
    });
    expect(parseOutputFile('a=1\r\nb<<EOF\nx=y\n\nz\nEOF\na=2\n')).toEqual({
      a: '2',
      b: 'x=y\n\nz'
    });
    expect(() => parseOutputFile('b<<EOF\nx\n')).toThrow('delimiter');
    expect(parseWorkflowCommands('::group::Inputs\nplain\n::endgroup::')).toEqual([
      { command: 'group', properties: {}, message: 'Inputs' },
      { command: 'endgroup', properties: {}, message: '' }
    ]);
  });
});
