// @ts-check
/**
 * `npm run bench`: what the action costs, measured on the committed bundle (dist/) run as a
 * runner runs it, against the loopback stand-ins. Prints tables; asserts nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDatafold } from '../stand-ins/datafold.mjs';
import { startGitHub, webhookExample } from '../stand-ins/github.mjs';
import { minifyBundle } from './minify-bundle.mjs';
import { decodeVlq } from './vlq.mjs';
import {
  BUNDLE,
  parseWorkflowCommands,
  prepareRun,
  REPO_ROOT,
  runAction
} from '../stand-ins/runner.mjs';

const RUNS = Number(process.env.BENCH_RUNS) || 15;
const API_KEY = 'bench-api-key';

/** @param {number} count */
function diffsFile(count) {
  const entries = Array.from({ length: count }, (_, i) => ({
    prod: `ANALYTICS.PROD.TABLE_${i}`,
    pr: `ANALYTICS.PR_1.TABLE_${i}`,
    pk: ['ID'],
    exclude_columns: ['UPDATED_AT']
  }));
  return JSON.stringify(entries, null, 2);
}

/** A workspace that is a git checkout holding the pull request's head commit. */
function gitWorkspace() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ws-'));
  const git = (/** @type {string[]} */ ...args) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
      cwd: dir,
      encoding: 'utf8'
    }).trim();
  git('init', '-q');
  git('commit', '-q', '--allow-empty', '-m', 'Change the orders model');
  return { dir, sha: git('rev-parse', 'HEAD') };
}

/**
 * How many bytes of a bundle file each package (or src/ file) produced, by walking the
 * source map's mappings: every segment runs to the next one on its line.
 * @param {string} file
 * @returns {[string, number][]}
 */
function generatedBytesBySource(file) {
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
  const lines = readFileSync(file, 'utf8').split('\n');
  /** @type {Map<string, number>} */
  const bytes = new Map();
  let source = 0;
  map.mappings.split(';').forEach((/** @type {string} */ line, /** @type {number} */ index) => {
    let column = 0;
    const starts = line
      .split(',')
      .filter(Boolean)
      .map((segment) => {
        const [columnDelta, sourceDelta] = decodeVlq(segment);
        column += columnDelta;
        source += sourceDelta ?? 0;
        return { column, source };
      });
    starts.forEach(({ column: start, source: at }, i) => {
      const end = starts[i + 1]?.column ?? lines[index].length;
      const name =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(map.sources[at])?.[1] ??
        map.sources[at].replace(/^.*?src\//, 'src/');
      bytes.set(name, (bytes.get(name) ?? 0) + end - start);
    });
  });
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

/**
 * Bundles a script that only loads @actions/core and writes one output, built as dist/ is
 * (a CommonJS entry, ncc, then minifyBundle).
 */
async function buildCoreOnlyBundle() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-core-'));
  // Inside the repository, so the bundler finds node_modules.
  const source = path.join(REPO_ROOT, 'node_modules', '.bench-core-only');
  mkdirSync(source, { recursive: true });
  writeFileSync(path.join(source, 'index.cjs'), "require('./write-output.mjs');\n");
  writeFileSync(
    path.join(source, 'write-output.mjs'),
    "import * as core from '@actions/core';\ncore.setOutput('ready', 'true');\n"
  );
  try {
    execFileSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'ncc'),
      ['build', path.join(source, 'index.cjs'), '-o', dir],
      { stdio: 'ignore' }
    );
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  await minifyBundle(dir);
  return path.join(dir, 'index.cjs');
}

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Wall time of a child process from spawn to exit, in ms: one clock for every row compared.
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 * @param {string} [cwd]
 * @returns {Promise<number>}
 */
function timeProcess(args, env = {}, cwd = undefined) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore'
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - start) / 1e6)
        : reject(new Error(`exit ${code}`))
    );
  });
}

/**
 * @param {string} title
 * @param {string[][]} rows
 */
function table(title, rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(`\n${title}\n`);
  rows.forEach((row, index) => {
    console.log(`| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`);
    if (index === 0) console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  });
}

const pull = webhookExample('pull_request', (p) => p.action === 'synchronize').pull_request;
const { dir: workspace, sha: headSha } = gitWorkspace();
pull.head.sha = headSha;
const files = Array.from({ length: 250 }, (_, i) => ({ filename: `models/model_${i}.sql` }));
const pullSpec = {
  number: pull.number,
  head: { sha: headSha, ref: pull.head.ref },
  base: { sha: pull.base.sha, ref: pull.base.ref },
  labels: ['datafold'],
  files
};
const datafold = await startDatafold({ apiKey: API_KEY, waitingPrs: [] });
const github = await startGitHub({
  pulls: [pullSpec],
  commits: { [headSha]: 'Change the orders model' }
});

/**
 * One run of the bundle; resolves to what it printed and what the stand-ins saw.
 * @param {{ eventName: string, payload: object, inputs?: Record<string, string>, env?: Record<string, string>, diffs?: string, sha?: string }} run
 */
async function runBundle(run) {
  const prepared = await prepareBundleRun(run);
  const before = { github: github.requests.length, datafold: datafold.requests.length };
  const result = await runAction(prepared.env);
  await prepared.cleanup();
  if (result.code !== 0) throw new Error(`the action failed:\n${result.stdout}\n${result.stderr}`);
  return {
    stdout: result.stdout,
    githubRequests: github.requests.slice(before.github),
    datafoldRequests: datafold.requests.length - before.datafold
  };
}

/**
 * One run of the bundle (or another script in its place) timed as `node -e ''` is timed.
 * @param {Parameters<typeof runBundle>[0]} run
 * @param {string} [script]
 */
async function timeBundle(run, script = BUNDLE) {
  const prepared = await prepareBundleRun(run);
  try {
    return await timeProcess([script], prepared.env, workspace);
  } finally {
    await prepared.cleanup();
  }
}

/**
 * The step's files and environment, and a CI run waiting in Datafold for the pull request.
 * @param {Parameters<typeof runBundle>[0]} run
 */
async function prepareBundleRun(run) {
  writeFileSync(path.join(workspace, 'diffs.json'), run.diffs ?? diffsFile(20));
  datafold.state.waiting.clear();
  const prepared = await prepareRun({
    eventName: run.eventName,
    payload: run.payload,
    workspace,
    githubUrl: github.url,
    sha: run.sha,
    inputs: {
      'api-key': API_KEY,
      host: datafold.url,
      'ci-config-id': '123',
      diffs: 'diffs.json',
      ...run.inputs
    },
    env: run.env
  });
  // Datafold keeps a CI run waiting for the pull request, as after GitHub's webhook.
  await fetch(`${datafold.url}/api/v1/ci/123/trigger`, {
    method: 'POST',
    headers: { Authorization: `Key ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      pr_number: pull.number,
      base_branch: 'main',
      base_sha: 'b',
      pr_sha: headSha,
      pr_branch: 'f'
    })
  });
  return prepared;
}

const pullRequestEvent = {
  eventName: 'pull_request',
  payload: { action: 'synchronize', number: pull.number, pull_request: pull }
};

/**
 * The least any step doing this job must do, with no checks at all: read the event and the
 * diffs file, POST them with Node's http and https loaded, and write one output.
 */
const UNAVOIDABLE_IO = `const fs = require('node:fs');
const http = require('node:http');
require('node:https');
const event = JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8'));
const body = fs.readFileSync(process.env.GITHUB_WORKSPACE + '/diffs.json', 'utf8');
const url = \`\${process.env.INPUT_HOST}/api/v1/ci/123/\${event.pull_request.number}\`;
const headers = { authorization: 'Key ' + process.env['INPUT_API-KEY'], 'content-type': 'application/json' };
http.request(url, { method: 'POST', headers }, (response) => {
  response.resume();
  response.on('end', () => fs.appendFileSync(process.env.GITHUB_OUTPUT, 'status=' + response.statusCode + '\\n'));
}).end(body);
`;

/** @type {string | undefined} */
let coreOnly;
try {
  // 1. A full run beside Node's bare start, the floor of any action built on @actions/core
  // (a bundle that only writes one output) and the floor of this job (its unavoidable I/O),
  // interleaved so that load on the machine hits all of them alike.
  coreOnly = await buildCoreOnlyBundle();
  const unavoidableIo = path.join(path.dirname(coreOnly), 'unavoidable-io.cjs');
  writeFileSync(unavoidableIo, UNAVOIDABLE_IO);
  const coreOutput = path.join(workspace, 'core-only-output');
  writeFileSync(coreOutput, '');
  /** @type {number[]} */
  const bare = [];
  /** @type {number[]} */
  const core = [];
  /** @type {number[]} */
  const io = [];
  /** @type {number[]} */
  const full = [];
  await timeBundle(pullRequestEvent); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    bare.push(await timeProcess(['-e', '']));
    core.push(await timeProcess([coreOnly], { GITHUB_OUTPUT: coreOutput }));
    io.push(await timeBundle(pullRequestEvent, unavoidableIo));
    full.push(await timeBundle(pullRequestEvent));
  }
  const row = (/** @type {string} */ what, /** @type {number[]} */ times) => [
    what,
    median(times).toFixed(1),
    Math.min(...times).toFixed(1),
    `${(median(times) / median(bare)).toFixed(2)}×`
  ];
  table(
    `Full run (pull_request, 20 diffs, submitted to the loopback Datafold), median of ${RUNS}`,
    [
      ['what', 'median ms', 'min ms', 'of the bare start'],
      row("node -e ''", bare),
      row('@actions/core alone, writing one output (built as dist/ is)', core),
      row('the unavoidable I/O alone: read event and diffs, one POST, one output', io),
      row('node dist/index.cjs', full)
    ]
  );

  // Where one run's time goes: the action's debug log stamps each stage (ms since start).
  const { stdout: debugLog } = await runBundle({ ...pullRequestEvent, env: { RUNNER_DEBUG: '1' } });
  /** @type {{ name: string, at: number }[]} */
  const stamps = parseWorkflowCommands(debugLog).flatMap(({ command, message }) => {
    const stamp = /^(.*) (?:done|loaded) at ([\d.]+) ms\.$/.exec(message);
    return command === 'debug' && stamp ? [{ name: stamp[1], at: Number(stamp[2]) }] : [];
  });
  const userCodeAt = Number(
    execFileSync(process.execPath, ['-e', 'console.log(process.uptime() * 1000)'], {
      env: { PATH: process.env.PATH }
    })
  );
  table('Where one run goes (ms since the process started, from the debug log)', [
    ['point', 'at ms', 'step ms'],
    ["node -e '' reaches user code", userCodeAt.toFixed(1), ''],
    ...stamps.map(({ name, at }, i) => [
      name,
      at.toFixed(1),
      (at - (i === 0 ? userCodeAt : stamps[i - 1].at)).toFixed(1)
    ])
  ]);

  // 2. GitHub requests per scenario.
  const everyRule = {
    'require-label': 'datafold',
    'base-branch': 'main, master',
    'files-to-ignore': 'docs/**',
    'diff-threshold': '100'
  };
  const mergeGroup = webhookExample('merge_group');
  mergeGroup.merge_group.head_ref = `refs/heads/gh-readonly-queue/${pull.base.ref}/pr-${pull.number}-${headSha}`;
  const push = webhookExample('push', (p) => !p.deleted);
  push.after = headSha;
  push.head_commit.id = headSha;
  const scenarios = [
    ['pull_request, no rules, head commit checked out', pullRequestEvent],
    ['pull_request, every rule (250 changed files)', { ...pullRequestEvent, inputs: everyRule }],
    ['push, pull request looked up by commit', { eventName: 'push', payload: push, sha: headSha }],
    ['merge_group', { eventName: 'merge_group', payload: mergeGroup }]
  ];
  const rows = [['scenario', 'GitHub requests', 'which', 'Datafold requests']];
  for (const [name, run] of scenarios) {
    const { githubRequests, datafoldRequests } = await runBundle(/** @type {any} */ (run));
    const which = githubRequests.map((request) => request.kind).join(', ') || '—';
    rows.push([
      /** @type {string} */ (name),
      String(githubRequests.length),
      which,
      String(datafoldRequests)
    ]);
  }
  table('GitHub API requests per scenario', rows);

  // 3. Diffs validation inside the bundle (dry run), as the action reports it in its debug log.
  const validation = [['entries', 'file size', 'validation ms', 'process max RSS']];
  const rssProbe = path.join(workspace, 'rss.cjs');
  writeFileSync(
    rssProbe,
    "process.on('exit', () => console.log('::debug::maxRSS ' + process.resourceUsage().maxRSS));\n"
  );
  for (const count of [1_000, 10_000, 100_000]) {
    const diffs = diffsFile(count);
    const { stdout } = await runBundle({
      ...pullRequestEvent,
      diffs,
      inputs: { 'dry-run': 'true', 'skip-marker': '' },
      env: { RUNNER_DEBUG: '1', NODE_OPTIONS: `--require=${rssProbe}` }
    });
    const debug = parseWorkflowCommands(stdout).filter((command) => command.command === 'debug');
    const validated =
      debug.find((command) => command.message.startsWith('Validated'))?.message ?? '';
    const rss = Number(
      debug.find((command) => command.message.startsWith('maxRSS'))?.message.split(' ')[1]
    );
    validation.push([
      count.toLocaleString('en'),
      `${(Buffer.byteLength(diffs) / 1e6).toFixed(1)} MB`,
      /in ([\d.]+) ms/.exec(validated)?.[1] ?? '?',
      `${(rss / 1024).toFixed(0)} MB`
    ]);
  }
  table('Diffs validation (dry run, RUNNER_DEBUG=1)', validation);

  // 4. What the action ships.
  const dist = path.join(REPO_ROOT, 'dist');
  const sizes = readdirSync(dist).map((name) => ({
    name,
    bytes: statSync(path.join(dist, name)).size
  }));
  const sum = (/** @type {(name: string) => boolean} */ keep) =>
    sizes.filter(({ name }) => keep(name)).reduce((total, { bytes }) => total + bytes, 0);
  const kB = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(0)} kB`;
  table('dist/ on disk', [
    ['part', 'size'],
    ['index.cjs (loaded at every start)', kB(sum((name) => name === 'index.cjs'))],
    ['chunks loaded only when needed', kB(sum((name) => /^\d+\.index\.cjs\.js$/.test(name)))],
    ['source maps', kB(sum((name) => name.endsWith('.map')))],
    ['everything', kB(sum(() => true))]
  ]);
  table('What index.cjs is made of (minified bytes, from its source map)', [
    ['package or file', 'size'],
    ...generatedBytesBySource(path.join(dist, 'index.cjs'))
      .slice(0, 10)
      .map(([name, bytes]) => [name, kB(bytes)])
  ]);
  console.log(
    `\nMachine: ${os.cpus().length}× ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
  );
} finally {
  await Promise.all([datafold.close(), github.close()]);
  rmSync(workspace, { recursive: true, force: true });
  if (coreOnly) rmSync(path.dirname(coreOnly), { recursive: true, force: true });
}
