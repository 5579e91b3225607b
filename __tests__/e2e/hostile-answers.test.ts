/**
 * Servers that do not behave like Datafold or GitHub: an answer that never ends, a TLS
 * certificate that does not verify, answers of the wrong shape. Each ends the step with a
 * message that names what happened, at once, without growing the runner's memory.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_GITHUB_TOKEN } from '../../stand-ins/runner.mjs';
import {
  expectFailure,
  expectSuccess,
  FAILED_AT_DATAFOLD,
  pollOf,
  runsOf,
  sent,
  sentInOrder,
  SUBMIT
} from './run-checks.js';
import { PR, scenario } from './scenario.js';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'datafold-hostile-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('an answer that never ends', () => {
  it('fails at 32 MiB, saying the answer was too large, with memory to spare', async () => {
    // The action's own peak memory, as the kernel counts it, written as it exits.
    const preload = path.join(dir, 'max-rss.cjs');
    const rssFile = path.join(dir, 'max-rss');
    await writeFile(
      preload,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`
    );
    // Datafold took the diffs, then answered without end: the outcome is unknown, and the
    // run of the head commit it lists means they are not sent again.
    const { result, datafold, elapsedMs } = await scenario({
      env: { NODE_OPTIONS: `--require ${preload}`, DATAFOLD_CI_ACTION_REQUEST_TIMEOUT_MS: '20000' },
      datafold: { waitingPrs: [{ pr_num: 2, pr_sha: PR.head.sha }] },
      faults: { datafold: [{ match: 'submit', fault: { endless: true, afterProcessing: true } }] }
    });

    expectFailure(result, [
      'the answer is larger than 32 MiB',
      'may or may not have reached Datafold, so they were not sent again'
    ]);
    expect(result.stdout).not.toContain('may be down');
    expect(result.outputs).toEqual(FAILED_AT_DATAFOLD);
    expect(sent(datafold)).toEqual([SUBMIT, runsOf()]);
    // The stand-in writes only as fast as the action reads: it stopped reading near the limit.
    expect(datafold.requests[0].streamed).toBeLessThan(48 * 2 ** 20);
    const maxRssMiB = Number(await readFile(rssFile, 'utf8')) / 1024;
    expect(maxRssMiB).toBeLessThan(200);
    expect(elapsedMs).toBeLessThan(15_000);
  }, 30_000);
});

describe('a TLS certificate that does not verify', () => {
  let server: https.Server;
  let url = '';
  let connections = 0;
  let requests = 0;
  let cert = '';

  beforeAll(async () => {
    const key = path.join(dir, 'key.pem');
    cert = path.join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert
    ]);
    server = https.createServer(
      { key: await readFile(key), cert: await readFile(cert) },
      (_request, response) => {
        requests++;
        response.end('{"ci_run_id": 1001, "run_id": 5001}');
      }
    );
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const hint = [
    'does not verify (DEPTH_ZERO_SELF_SIGNED_CERT',
    'set NODE_EXTRA_CA_CERTS to that authority',
    "'s PEM file"
  ];

  // One after the other: each counts the connections the shared server saw.
  it('from Datafold: one connection attempt, and the hint for a private CA', async () => {
    connections = requests = 0;
    const { result } = await scenario({ inputs: { host: url } });

    expectFailure(result, [
      `Datafold at ${url} failed while submitting the diffs for pull request #2: the TLS certificate of 127.0.0.1:`,
      ...hint
    ]);
    expect(result.outputs).toEqual(FAILED_AT_DATAFOLD);
    expect([connections, requests]).toEqual([1, 0]);
  });

  it('from Datafold, with the certificate in NODE_EXTRA_CA_CERTS: trusted, submitted', async () => {
    const { result } = await scenario({
      inputs: { host: url },
      env: { NODE_EXTRA_CA_CERTS: cert }
    });

    expectSuccess(result);
    expect(result.outputs.submitted).toBe('true');
  });

  it('from GitHub: one connection attempt, and the same hint', async () => {
    connections = requests = 0;
    const { result, datafold } = await scenario({
      inputs: { 'require-label': 'datafold' },
      github: { token: TEST_GITHUB_TOKEN, pulls: [] },
      env: { GITHUB_API_URL: url }
    });

    expectFailure(result, [
      'GitHub request failed while reading pull request #2 of owner/repo: the TLS',
      ...hint
    ]);
    expect(result.stdout).not.toContain('(500)');
    expect([connections, requests]).toEqual([1, 0]);
    expect(sent(datafold)).toEqual([]);
  });
});

describe('answers of the wrong shape: the request named, never a TypeError', () => {
  const runForHead = { waitingPrs: [{ pr_num: 2, pr_sha: PR.head.sha }] };
  it.concurrent.each([
    {
      name: 'a list where the submit answer belongs',
      fault: { match: 'submit', fault: { json: [] } },
      message:
        "Datafold's answer to the diffs for pull request #2 is not what the Datafold API returns (POST /api/v1/ci/123/2): the answer should be an object, found []"
    },
    {
      name: 'a string where a run id belongs',
      fault: { match: 'submit', fault: { json: { ci_run_id: '1001', run_id: 5001 } } },
      message:
        'is not what the Datafold API returns (POST /api/v1/ci/123/2): ci_run_id should be a whole number or null, found "1001"'
    },
    {
      name: 'an object where the list of runs belongs',
      fault: { match: 'runs', fault: { json: { items: [] } } },
      message: `Datafold's list of CI runs is not what the Datafold API returns (GET /api/v1/ci/123/runs?pr_sha=${PR.head.sha}&limit=1): the answer should be a list of objects, found {"items":[]}`
    },
    {
      name: 'a null in the list of runs',
      fault: { match: 'runs', fault: { json: [null] } },
      message:
        "Datafold's list of CI runs is not what the Datafold API returns (GET /api/v1/ci/123/runs?pr_sha=ec26c3e57ca3a959ca5aad62de7213c562f8c821&limit=1): [0] should be an object, found null"
    },
    {
      name: 'a number where a run status belongs',
      fault: { match: 'runs', fault: { json: [{ id: 1001, status: 5 }] } },
      message:
        "Datafold's list of CI runs is not what the Datafold API returns (GET /api/v1/ci/123/runs?pr_sha=ec26c3e57ca3a959ca5aad62de7213c562f8c821&limit=1): [0].status should be a string, found 5"
    }
  ])('$name', async ({ fault, message }) => {
    const { result, datafold } = await scenario({
      inputs: { wait: 'true' },
      datafold: runForHead,
      faults: { datafold: [fault] }
    });

    expectFailure(result, [message]);
    expect(result.stdout + result.stderr).not.toContain('TypeError');
    // A poll asks for the run and the run's data diffs together.
    expect(sentInOrder(datafold)).toEqual(
      fault.match === 'runs' ? [SUBMIT, ...pollOf()] : [SUBMIT]
    );
    if (fault.match === 'runs') expect(result.outputs.submitted).toBe('true');
    else expect(result.outputs).toEqual(FAILED_AT_DATAFOLD);
  });
});
