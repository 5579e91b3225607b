/**
 * Hostile input end to end (SPEC "Limits and hostile input"): servers that echo the secrets in
 * every form, broken event files, runner files that cannot be written, and a cancelled
 * workflow's signals mid-run. Each fails cleanly: one error line that says what happened, no
 * stack trace, and no secret in any form anywhere the runner shows or keeps.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_GITHUB_TOKEN } from '../../stand-ins/runner.mjs';
import type { ScriptEntry } from '../../stand-ins/server.mjs';
import { skipped } from './checks.js';
import { expectNoSecret, type LaunchResult } from './launch.js';
import { errors, expectFailure, expectNoStackTrace, outputs, sentInOrder } from './run-checks.js';
import { API_KEY, PR, requestLines, scenario, type ScenarioOptions } from './scenario.js';

jest.setTimeout(30_000);

/** Every form a server may echo `secret` in: raw, JSON-escaped, URL-encoded, HTML-escaped. */
function echoedForms(secret: string): Record<string, string> {
  const html = (escape: (char: string) => string) => secret.replace(/[&<>"']/g, escape);
  const names: Record<string, string> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' };
  return {
    raw: secret,
    'JSON-escaped': JSON.stringify(secret).slice(1, -1),
    'URL-encoded': encodeURIComponent(secret),
    'form-encoded': new URLSearchParams({ k: secret }).toString().slice(2),
    'HTML-escaped (&quot;)': html((char) => `&${names[char] ?? `#${char.charCodeAt(0)}`};`),
    'HTML-escaped (&#34;)': html((char) => `&#${char.charCodeAt(0)};`),
    'HTML-escaped (&#x22;)': html((char) => `&#x${char.charCodeAt(0).toString(16)};`)
  };
}

/** No form of any of `secrets` in stdout, stderr, outputs or summary (`::add-mask::` aside). */
function expectNoEcho(result: LaunchResult, ...secrets: string[]): void {
  for (const secret of secrets)
    for (const form of new Set(Object.values(echoedForms(secret)))) expectNoSecret(result, form);
}

/** Outputs of a run that failed before anything was known. */
const NOTHING_KNOWN = skipped('');

describe('secrets echoed by a server', () => {
  // Every character that has an escaped form in JSON, URLs or HTML.
  const key = 'dfk_"quoted\\back <tag> & plus+ space\'';
  const forms = Object.entries(echoedForms(key));
  const submitFails = (fault: ScriptEntry['fault']): ScenarioOptions => ({
    datafold: { apiKey: key },
    inputs: { 'api-key': key },
    env: { RUNNER_DEBUG: '1' },
    faults: { datafold: [{ match: 'submit', fault }] }
  });

  it.concurrent.each(forms)('the key %s in a 400 answer', async (_form, echoed) => {
    const { result } = await scenario(
      submitFails({ status: 400, json: { detail: `unknown key ${echoed}` } })
    );
    expectFailure(result, ['(HTTP 400): {"detail":"unknown key ***"}'], key);
    expect(result.summary).toContain('{&#34;detail&#34;:&#34;unknown key ***&#34;}');
    expectNoEcho(result, key);
  });

  it.concurrent.each(forms)('the key %s in a 422 detail list', async (_form, echoed) => {
    const detail = [{ loc: ['header', 'authorization'], msg: `bad key ${echoed}` }];
    const { result } = await scenario(submitFails({ status: 422, json: { detail } }));
    expectFailure(result, ['  - header → authorization: bad key ***'], key);
    expectNoEcho(result, key);
  });

  it.concurrent.each(forms)(
    'the key %s in a 200 of the wrong shape (shown as JSON)',
    async (_form, echoed) => {
      const { result } = await scenario(submitFails({ json: { ci_run_id: echoed, run_id: 1 } }));
      expectFailure(result, ['is not what the Datafold API returns', '"ci_run_id":"***"'], key);
      expectNoEcho(result, key);
    }
  );

  it.concurrent('the GitHub token in a GitHub answer, in every form at once', async () => {
    const echoes = Object.values(echoedForms(TEST_GITHUB_TOKEN)).join(' | ');
    const { result } = await scenario({
      inputs: { 'pr-number': '2' },
      env: { RUNNER_DEBUG: '1' },
      faults: {
        github: [{ match: 'pull', fault: { status: 404, json: { message: `no ${echoes}` } } }]
      }
    });
    expectFailure(result, ['GitHub answered 404', 'no *** | *** |']);
    expectNoEcho(result, TEST_GITHUB_TOKEN, API_KEY);
  });

  it.concurrent('credentials in "host": refused, and shown nowhere', async () => {
    const user = 'datafold-proxy-user';
    const password = 'pa$$ "word" & more';
    const { result, datafold } = await scenario({
      inputs: ({ datafold }) => ({
        host: datafold.url.replace('//', `//${user}:${encodeURIComponent(password)}@`)
      }),
      env: { RUNNER_DEBUG: '1' }
    });
    expectFailure(result, ['Input "host": "http://***@127.0.0.1:']);
    expect(result.outputs).toEqual(NOTHING_KNOWN);
    expect(requestLines(datafold)).toEqual([]);
    expectNoEcho(result, user, password);
  });
});

describe('a broken event file: a clear failure, never a skip', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'datafold-events-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const json = (text: string) => (at: string) => writeFileSync(at, text);
  const BROKEN_RUNNER =
    'The runner writes this file for every step: check that the step runs on a GitHub Actions runner and that no earlier step changes GITHUB_EVENT_PATH or the file.';

  const cases: Array<{ name: string; make?: (at: string) => void; says: string | RegExp }> = [
    { name: 'null', make: json('null'), says: 'holds null, not a JSON object.' },
    {
      name: 'an array',
      make: json('[{"action": "opened"}]'),
      says: 'holds an array, not a JSON object.'
    },
    { name: 'a number', make: json('42'), says: 'holds a number, not a JSON object.' },
    { name: 'a string', make: json('"pull_request"'), says: 'holds a string, not a JSON object.' },
    {
      name: 'invalid JSON',
      make: json('{"action": "opened",'),
      says: /^is not valid JSON: .*JSON.*\.$/
    },
    { name: 'an empty file', make: json(''), says: /^is not valid JSON: .*JSON.*\.$/ },
    { name: 'a missing file', says: 'does not exist.' },
    { name: 'a directory', make: (at) => mkdirSync(at), says: 'is not a regular file.' },
    {
      name: 'a FIFO (never read: it would block)',
      make: (at) => execFileSync('mkfifo', [at]),
      says: 'is not a regular file.'
    },
    {
      name: 'a 40 MiB file',
      make: (at) => {
        writeFileSync(at, '');
        truncateSync(at, 40 * 1024 * 1024);
      },
      says: 'is 40 MiB, more than an event can be (the limit is 32 MiB).'
    }
  ];

  it.concurrent.each(cases.map((c, i) => ({ ...c, i })))('$name', async ({ make, says, i }) => {
    const at = path.join(dir, `event-${i}`);
    make?.(at);
    const { result, datafold, github } = await scenario({ env: { GITHUB_EVENT_PATH: at } });
    expectFailure(result, []);
    const [, said, rest] = /^(.*) (The runner writes.*)$/.exec(errors(result)[0]) ?? [];
    const prefix = `The event file ${at} (GITHUB_EVENT_PATH) `;
    expect([said.slice(0, prefix.length), rest]).toEqual([prefix, BROKEN_RUNNER]);
    expect(said.slice(prefix.length)).toMatch(
      typeof says === 'string' ? new RegExp(`^${says.replace(/[.()]/g, '\\$&')}$`) : says
    );
    expect(result.outputs).toEqual(NOTHING_KNOWN);
    expect([...requestLines(datafold), ...requestLines(github)]).toEqual([]);
  });

  it.concurrent('GITHUB_EVENT_PATH not set', async () => {
    const { result } = await scenario({ env: { GITHUB_EVENT_PATH: undefined } });
    expectFailure(result, [`GITHUB_EVENT_PATH is not set. ${BROKEN_RUNNER}`]);
  });
});

describe('runner files that cannot be written', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'datafold-runner-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const missing = path.join(dir, 'no-such-dir', 'file');
  const FIX =
    'The runner creates these files for every step: check that no earlier step removes or replaces them.';

  it.concurrent.each([
    {
      name: 'GITHUB_OUTPUT is a directory',
      env: { GITHUB_OUTPUT: dir },
      says: `Could not write the outputs to GITHUB_OUTPUT (EISDIR: illegal operation on a directory, open '${dir}'). ${FIX}`
    },
    {
      name: 'GITHUB_OUTPUT is in a missing directory',
      env: { GITHUB_OUTPUT: missing },
      says: `Could not write the outputs to GITHUB_OUTPUT (Missing file at path: ${missing}). ${FIX}`
    },
    {
      name: 'GITHUB_STEP_SUMMARY is a directory',
      env: { GITHUB_STEP_SUMMARY: dir },
      says: `Could not write the job summary to GITHUB_STEP_SUMMARY (EISDIR: illegal operation on a directory, open '${dir}'). ${FIX}`
    },
    {
      name: 'neither can be written',
      env: { GITHUB_OUTPUT: missing, GITHUB_STEP_SUMMARY: missing },
      says: `Could not write the outputs to GITHUB_OUTPUT (Missing file at path: ${missing}), nor the job summary to GITHUB_STEP_SUMMARY (ENOENT: no such file or directory, open '${missing}'). ${FIX}`
    }
  ])('$name: one error line says which; the diffs were still sent', async ({ env, says }) => {
    const { result, datafold } = await scenario({ env });
    expect({ code: result.code, errors: errors(result) }).toEqual({ code: 1, errors: [says] });
    expectNoStackTrace(result);
    // No minified bundle source either, as Node prints for an uncaught error.
    expect(result.stderr).toBe('');
    expect(requestLines(datafold)).toEqual(['POST /api/v1/ci/123/2']);
  });
});

describe('a cancelled workflow (SIGINT or SIGTERM mid-run)', () => {
  /**
   * A scenario whose stand-in hangs on the first request `match` accepts, after sending the
   * action `signal` as that request arrives; returns it with the milliseconds the action took
   * to exit after the signal.
   */
  async function cancelled(
    signal: NodeJS.Signals,
    stall: { on: 'datafold' | 'github'; kind: string; after?: number },
    options: ScenarioOptions = {}
  ) {
    let child: ChildProcess | undefined;
    let signalledAt = NaN;
    let exitedAt = NaN;
    let seen = 0;
    const entry: ScriptEntry = {
      match: (request) => {
        if (request.kind !== stall.kind || seen++ < (stall.after ?? 0)) return false;
        signalledAt = Date.now();
        child?.kill(signal);
        return true;
      },
      fault: { hang: true }
    };
    const run = await scenario({
      ...options,
      faults: { [stall.on]: [entry] },
      onStart: (started) => {
        child = started;
        started.on('exit', () => (exitedAt = Date.now()));
      }
    });
    return { ...run, exitMs: exitedAt - signalledAt };
  }

  const cases: Array<{
    name: string;
    signal: NodeJS.Signals;
    stall: Parameters<typeof cancelled>[1];
    options?: ScenarioOptions;
    says: string;
    outputs: Record<string, string>;
    datafold: string[];
  }> = [
    {
      name: 'SIGTERM while GitHub is asked for the pull request: nothing was sent',
      signal: 'SIGTERM',
      stall: { on: 'github', kind: 'pull' },
      options: { inputs: { 'pr-number': '2' } },
      says: 'during "Pull request": nothing was sent to Datafold.',
      outputs: NOTHING_KNOWN,
      datafold: []
    },
    {
      name: 'SIGTERM while the diffs are being sent: they may have reached Datafold',
      signal: 'SIGTERM',
      stall: { on: 'datafold', kind: 'submit' },
      says: `during "Submit": the diffs were being sent; they may have reached Datafold. Look for the pull request's CI run in Datafold before re-running the job.`,
      outputs: outputs({ submitted: 'false', 'ci-run-id': '', 'run-id': '' }),
      datafold: ['POST /api/v1/ci/123/2']
    },
    {
      name: 'SIGINT while waiting for the CI run: submitted, and the run goes on',
      signal: 'SIGINT',
      stall: { on: 'datafold', kind: 'runs', after: 1 },
      options: {
        inputs: { wait: 'true' },
        datafold: { statusSequence: ['running'], waitingPrs: [{ pr_num: 2, pr_sha: PR.head.sha }] }
      },
      says: 'during "Wait": the diffs were submitted; Datafold CI run 1001 goes on.',
      // What the first poll learnt: both diffs had finished, identical.
      outputs: outputs({
        results: expect.stringContaining('"rows_total":1000') as unknown as string,
        'result-counts': '{"identical":2}'
      }),
      datafold: [
        'POST /api/v1/ci/123/2',
        ...[1, 2].flatMap((poll) => [
          `GET /api/v1/ci/123/runs?pr_sha=${PR.head.sha}&limit=1`,
          `GET /api/v1/datadiffs?ci_run_id=1001&order_by=ci_run_id&sort_order=desc&page_size=100`,
          ...(poll === 1
            ? [70001, 70002].map((id) => `GET /api/v1/datadiffs/${id}/summary_results`)
            : [])
        ])
      ]
    }
  ];

  it.concurrent.each(cases)('$name', async (c) => {
    const { result, datafold, exitMs } = await cancelled(c.signal, c.stall, c.options);
    const message = `The step was cancelled (${c.signal}) ${c.says}`;
    expect({ code: result.code, errors: errors(result) }).toEqual({
      code: c.signal === 'SIGINT' ? 130 : 143,
      errors: [message]
    });
    // Well within the runner's patience (noisy on a loaded machine: the bound is generous).
    expect(exitMs).toBeLessThan(1000);
    expect(result.outputs).toEqual(c.outputs);
    expect(result.summary).toContain(
      `❌ <strong>Failed</strong>: ${message.replace(/'/g, '&#39;').replace(/"/g, '&#34;')}`
    );
    expect(sentInOrder(datafold).map(({ method, path }) => `${method} ${path}`)).toEqual(
      c.datafold
    );
    expectNoStackTrace(result);
    expectNoSecret(result, API_KEY);
  });
});
