// @ts-check
/**
 * `npm run bench`: what the action costs, measured on the committed bundle (dist/) run as a
 * runner runs it, against the loopback stand-ins. Prints tables; asserts nothing.
 *
 *   node scripts/bench.mjs [--node other/node ...] [--peer name=path/to/dist/index.js ...]
 *   node scripts/bench.mjs --only wait
 *
 * The start-up guard times a whole run under this Node and every `--node` given, beside the
 * load of each `--peer` bundle (another action's dist/, checked out beside the project).
 * BENCH_RUNS (default 15) sets the runs per figure; BENCH_LATENCY_MS (default 200) the delay
 * the stand-ins add to every answer when counting the round trips a run waits for, and in the
 * `wait` case (time to verdict: 40 diffs finishing while the run goes). `--only wait` runs that
 * case alone.
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
import { parseArgs } from 'node:util';
import { startDatafold } from '../stand-ins/datafold.mjs';
import { startGitHub, webhookExample } from '../stand-ins/github.mjs';
import { roundsAfter } from '../stand-ins/server.mjs';
import {
  BUNDLE,
  parseWorkflowCommands,
  prepareRun,
  REPO_ROOT,
  runAction
} from '../stand-ins/runner.mjs';

const RUNS = Number(process.env.BENCH_RUNS) || 15;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS) || 200;
const API_KEY = 'bench-api-key';
const { values: args } = parseArgs({
  options: {
    node: { type: 'string', multiple: true },
    peer: { type: 'string', multiple: true },
    only: { type: 'string' }
  }
});
const PEERS = (args.peer ?? []).map((peer) => {
  const [name, script] = peer.split('=');
  if (!script) throw new Error(`--peer ${peer}: use --peer name=path/to/dist/index.js`);
  return { name, script: path.resolve(script) };
});
const NODES = [process.execPath, ...(args.node ?? [])].map((binary) => ({
  binary,
  version: execFileSync(binary, ['-p', 'process.version'], { encoding: 'utf8' }).trim()
}));

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

const kB = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(0)} kB`;

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Wall time of a Node process from spawn to exit, in ms: one clock for every row compared. A
 * peer's bundle started with no inputs fails once loaded, as it should: `anyExit` takes that.
 * @param {string} node  the Node binary
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, cwd?: string, anyExit?: boolean }} [options]
 * @returns {Promise<number>}
 */
function timeProcess(node, args, { env = {}, cwd = undefined, anyExit = false } = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(node, args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore'
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 || anyExit
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

/**
 * A SQL model of `lines` lines, as teams write them: a pk comment, a parameterised
 * CREATE OR REPLACE TABLE … AS, a long SELECT with comments, strings and quoted names.
 * @param {number} n
 * @param {number} lines
 */
function sqlModel(n, lines) {
  const body = Array.from({ length: lines - 4 }, (_, i) =>
    i % 10 === 0
      ? `  -- step ${i}: the columns from the source, renamed`
      : `  , o.col_${i} AS "Column ${i}", CASE WHEN o.kind = 'a;b' THEN 1 ELSE 0 END AS flag_${i}`
  );
  return [
    '-- datafold: pk=order_id',
    `CREATE OR REPLACE TABLE analytics.\${target_schema}.model_${n} AS SELECT o.order_id`,
    ...body,
    `FROM analytics.\${target_schema}.orders AS o WHERE o.day > '2024-01-01'`,
    ';'
  ].join('\n');
}

/** The changed SQL files of the discovery figure, written into the workspace once. */
const DISCOVERED_FILES = 1_000;
const SQL_LINES = 500;
const sqlPaths = Array.from({ length: DISCOVERED_FILES }, (_, i) => `sql/model_${i}.sql`);

const { dir: workspace, sha: headSha } = gitWorkspace();
mkdirSync(path.join(workspace, 'sql'));
for (const [i, file] of sqlPaths.entries())
  writeFileSync(path.join(workspace, file), sqlModel(i, SQL_LINES));
/** A head commit that is not in the checkout (as after a depth-1 fetch of the merge commit). */
const remoteSha = 'ab'.repeat(20);
const base = { sha: 'b'.repeat(40), ref: 'main' };
const paths = (/** @type {number} */ count, /** @type {string} */ prefix) =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}.md`);
const files = (/** @type {string[]} */ names) => names.map((filename) => ({ filename }));
/** The pull requests the stand-in serves: one per shape of run. */
const pulls = {
  // Head commit checked out; 250 files, the first one not ignored.
  local: {
    number: 11,
    head: { sha: headSha, ref: 'feature/orders' },
    base,
    labels: ['datafold'],
    files: files(['models/orders.sql', ...paths(249, 'docs/page-')])
  },
  // Head commit not checked out.
  remote: { number: 12, head: { sha: remoteSha, ref: 'feature/customers' }, base, files: [] },
  // 3000 files: only the last one is not ignored.
  wide: {
    number: 13,
    head: { sha: headSha, ref: 'feature/wide' },
    base,
    files: files([...paths(2999, 'docs/page-'), 'models/orders.sql'])
  },
  // 1,000 changed SQL models, for discovery.
  models: {
    number: 14,
    head: { sha: headSha, ref: 'feature/models' },
    base,
    files: files(sqlPaths)
  }
};
const datafold = await startDatafold({ apiKey: API_KEY, waitingPrs: [] });
const github = await startGitHub({
  pulls: Object.values(pulls),
  commits: { [headSha]: 'Change the orders model', [remoteSha]: 'Change the customers model' }
});

/**
 * @typedef {object} BenchRun
 * @property {string} eventName
 * @property {object} payload
 * @property {number} prNumber  the pull request Datafold keeps a CI run waiting for
 * @property {Record<string, string>} [inputs]
 * @property {Record<string, string>} [env]
 * @property {string} [diffs]
 * @property {string} [sha]
 */

/**
 * One run of the bundle; resolves to what it printed, its outputs and what the stand-ins saw.
 * @param {BenchRun} run
 */
async function runBundle(run) {
  const prepared = await prepareBundleRun(run);
  const before = { github: github.requests.length, datafold: datafold.requests.length };
  const result = await runAction(prepared.env);
  const { outputs } = await prepared.results();
  await prepared.cleanup();
  if (result.code !== 0) throw new Error(`the action failed:\n${result.stdout}\n${result.stderr}`);
  return {
    stdout: result.stdout,
    outputs,
    githubRequests: github.requests.slice(before.github),
    datafoldRequests: datafold.requests.length - before.datafold
  };
}

/**
 * One run of the bundle (or another script in its place) timed as `node -e ''` is timed.
 * @param {BenchRun} run
 * @param {{ node?: string, script?: string }} [options]
 */
async function timeBundle(run, { node = process.execPath, script = BUNDLE } = {}) {
  const prepared = await prepareBundleRun(run);
  try {
    return await timeProcess(node, [script], { env: prepared.env, cwd: workspace });
  } finally {
    await prepared.cleanup();
  }
}

/**
 * The step's files and environment, and a CI run waiting in Datafold for the pull request.
 * @param {BenchRun} run
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
      pr_number: run.prNumber,
      base_branch: 'main',
      base_sha: 'b',
      pr_sha: headSha,
      pr_branch: 'f'
    })
  });
  return prepared;
}

/**
 * A pull_request `synchronize` event (GitHub's example) for one of `pulls`.
 * @param {import('../stand-ins/github.mjs').PullSpec} spec
 * @returns {BenchRun}
 */
function pullRequestEvent(spec) {
  const pull = webhookExample('pull_request', (p) => p.action === 'synchronize').pull_request;
  Object.assign(pull, { number: spec.number, changed_files: spec.files?.length ?? 0 });
  Object.assign(pull.head, spec.head);
  Object.assign(pull.base, spec.base);
  return {
    eventName: 'pull_request',
    payload: { action: 'synchronize', number: spec.number, pull_request: pull },
    prNumber: spec.number
  };
}

const defaultRun = pullRequestEvent(pulls.local);

/** The `wait` case: this many diffs, two finishing at each poll while the run goes. */
const WAIT_DIFFS = 40;
/** Its poll interval: shorter than the real 5 s, so the case takes seconds, not minutes. */
const WAIT_POLL_MS = 300;

/**
 * Time to verdict with `wait`: WAIT_DIFFS diffs that finish two per poll while the CI run goes,
 * every answer delayed LATENCY_MS; from the answer that says the run is done to the step's end.
 */
async function waitCase() {
  const running = WAIT_DIFFS / 2;
  const server = await startDatafold({
    apiKey: API_KEY,
    waitingPrs: [{ pr_num: pulls.local.number, pr_sha: headSha }],
    statusSequence: [...Array(running).fill('running'), 'done'],
    // The last two finish at the listing that also says the run is done.
    diffOutcomes: Array.from({ length: WAIT_DIFFS }, (_, i) => ({
      finishAfter: Math.floor(i / 2) + 2,
      result: i === 7 ? /** @type {const} */ ('different') : /** @type {const} */ ('identical')
    }))
  });
  writeFileSync(path.join(workspace, 'diffs.json'), diffsFile(WAIT_DIFFS));
  const prepared = await prepareRun({
    eventName: defaultRun.eventName,
    payload: defaultRun.payload,
    workspace,
    githubUrl: github.url,
    inputs: {
      'api-key': API_KEY,
      host: server.url,
      'ci-config-id': '123',
      diffs: 'diffs.json',
      wait: 'true'
    },
    env: { DATAFOLD_CI_ACTION_POLL_INTERVAL_MS: String(WAIT_POLL_MS) }
  });
  let exitedAt = NaN;
  /** @type {number[]} when each diff's line was printed */
  const diffLines = [];
  try {
    server.setLatency(LATENCY_MS);
    github.setLatency(LATENCY_MS);
    const result = await runAction(prepared.env, {
      onStart: (child) => child.on('exit', () => (exitedAt = Date.now())),
      onLine: (line) => {
        if (/^(identical|different): ANALYTICS\.PROD\.TABLE_\d+ → /.test(line))
          diffLines.push(Date.now());
      }
    });
    if (result.code !== 0) throw new Error(`the wait case failed:\n${result.stdout}`);
  } finally {
    server.setLatency(0);
    github.setLatency(0);
    await prepared.cleanup();
    await server.close();
  }
  const { requests } = server;
  const count = (/** @type {string} */ kind) => requests.filter((r) => r.kind === kind).length;
  const polls = count('runs');
  const doneAt = requests.filter(({ kind }) => kind === 'runs')[running].answeredAt ?? NaN;
  const summaries = requests.filter(({ kind }) => kind === 'summary');
  table(
    `Time to verdict (wait): ${WAIT_DIFFS} diffs finishing two per poll while the run goes, each answer delayed ${LATENCY_MS} ms, polls every ${WAIT_POLL_MS} ms`,
    [
      ['figure', 'value', 'target'],
      [
        'round trips from the answer that says "done" to the end of the step',
        ((exitedAt - doneAt) / LATENCY_MS).toFixed(2),
        '≤ 3'
      ],
      ['rounds of requests after that answer', String(roundsAfter(requests, doneAt)), '≤ 2'],
      [
        'requests per poll',
        `${(count('runs') / polls).toFixed(0)} runs + ${(count('datadiffs') / polls).toFixed(0)} page of data diffs (${polls} polls)`,
        '1 + 1'
      ],
      [
        'summary_results read',
        `${summaries.length} (${new Set(summaries.map(({ path }) => path)).size} diffs)`,
        `${WAIT_DIFFS}, each once`
      ],
      [
        'diffs logged before the "done" answer',
        `${diffLines.filter((at) => at < doneAt).length} of ${diffLines.length}`,
        `≥ ${WAIT_DIFFS / 2}`
      ]
    ]
  );
}

try {
  if (args.only === 'wait') {
    await waitCase();
    process.exit(0);
  }

  // 1. The start-up guard: a full run beside Node's bare start and beside what well-known
  // actions' bundles take just to load (run with no inputs, they stop at once), under each
  // Node, interleaved so that load on the machine hits all of them alike.
  /** @type {Array<[string, (node: string) => Promise<number>]>} */
  const rows = [
    ["node -e ''", (node) => timeProcess(node, ['-e', ''])],
    ...PEERS.map(
      ({ name, script }) =>
        /** @type {[string, (node: string) => Promise<number>]} */ ([
          `${name}: load only`,
          (node) => timeProcess(node, [script], { cwd: path.dirname(script), anyExit: true })
        ])
    ),
    ['node dist/index.js: whole run', (node) => timeBundle(defaultRun, { node })]
  ];
  /** @type {number[][][]} times[row][node] */
  const times = rows.map(() => NODES.map(() => []));
  for (const { binary } of NODES) await timeBundle(defaultRun, { node: binary }); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    for (const [n, { binary }] of NODES.entries()) {
      for (const [r, [, time]] of rows.entries()) times[r][n].push(await time(binary));
    }
  }
  const peerRows = PEERS.map((_, p) => p + 1);
  const cell = (/** @type {number} */ r, /** @type {number} */ n) => {
    const ms = median(times[r][n]);
    const fastestPeer = Math.min(...peerRows.map((p) => median(times[p][n])));
    const ratio =
      peerRows.length > 0 ? ` (${(ms / fastestPeer).toFixed(2)}× the fastest peer)` : '';
    return `${ms.toFixed(1)} ms${ratio}`;
  };
  table(
    `Start-up guard: the whole run (pull_request, default rules, head commit checked out, 20 diffs, loopback Datafold) beside peers' load, median of ${RUNS}${PEERS.length === 0 ? ' (no --peer given)' : ''}`,
    [
      ['what', ...NODES.map(({ version }) => `Node ${version}`)],
      ...rows.map(([what], r) => [what, ...NODES.map((_, n) => cell(r, n))])
    ]
  );

  // Where one run's time goes: the action's debug log stamps each stage (ms since start).
  const { stdout: debugLog } = await runBundle({ ...defaultRun, env: { RUNNER_DEBUG: '1' } });
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
  table(
    `Where one run goes (ms since the process started, from the debug log; Node ${process.version})`,
    [
      ['point', 'at ms', 'step ms'],
      ["node -e '' reaches user code", userCodeAt.toFixed(1), ''],
      ...stamps.map(({ name, at }, i) => [
        name,
        at.toFixed(1),
        (at - (i === 0 ? userCodeAt : stamps[i - 1].at)).toFixed(1)
      ])
    ]
  );

  // 2. Round trips: every stand-in answer delayed by LATENCY_MS; the run's extra wall time over
  // an undelayed run, divided by the delay, is how many answers it waited for one after another.
  const push = webhookExample('push', (p) => !p.deleted);
  push.after = remoteSha;
  push.head_commit.id = remoteSha;
  const filters = {
    'require-label': 'datafold',
    'base-branch': 'main, release/**',
    'files-to-ignore': 'docs/'
  };
  /** @type {[string, number, BenchRun][]} */
  const cases = [
    ['pull_request, default rules, head commit checked out', 1, defaultRun],
    ['pull_request, head commit not checked out', 2, pullRequestEvent(pulls.remote)],
    [
      'labels, base branch and files-to-ignore; page 1 of 250 files decides',
      2,
      { ...defaultRun, inputs: filters }
    ],
    [
      'files-to-ignore, 3000 files; only the last page decides',
      3,
      { ...pullRequestEvent(pulls.wide), inputs: { 'files-to-ignore': 'docs/' } }
    ],
    [
      'push, pull request looked up by commit',
      2,
      { eventName: 'push', payload: push, sha: remoteSha, prNumber: pulls.remote.number }
    ]
  ];
  const tripRows = [['case', 'target', 'round trips', 'GitHub requests', 'submitted']];
  for (const [name, target, run] of cases) {
    const { githubRequests, outputs } = await runBundle(run);
    /** @type {number[]} */
    const direct = [];
    /** @type {number[]} */
    const delayed = [];
    for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 3)); i++) {
      direct.push(await timeBundle(run));
      for (const server of [github, datafold]) server.setLatency(LATENCY_MS);
      try {
        delayed.push(await timeBundle(run));
      } finally {
        for (const server of [github, datafold]) server.setLatency(0);
      }
    }
    /** @type {Map<string, number>} */
    const kinds = new Map();
    for (const { kind } of githubRequests) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    tripRows.push([
      name,
      String(target),
      ((median(delayed) - median(direct)) / LATENCY_MS).toFixed(2),
      [...kinds].map(([kind, count]) => (count > 1 ? `${count} ${kind}` : kind)).join(', ') || '—',
      outputs.submitted
    ]);
  }
  table(
    `Round trips waited for in a row, each answer delayed ${LATENCY_MS} ms (extra wall time / delay, median of ${Math.max(3, Math.ceil(RUNS / 3))})`,
    tripRows
  );
  await waitCase();

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
      ...defaultRun,
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

  // 4. Discovery: the changed SQL files read from the workspace and parsed, as the action's
  // debug log times it (file reads included).
  const discovery = [['files', 'lines each', 'read', 'discovery ms', 'MB/s', 'entries']];
  const readings = [];
  for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 5)); i++) {
    const { stdout, outputs } = await runBundle({
      ...pullRequestEvent(pulls.models),
      inputs: {
        diffs: '',
        discover: 'sql',
        'prod-params': '{"target_schema": "core"}',
        'pr-params': '{"target_schema": "pr_14"}',
        'dry-run': 'true',
        'skip-marker': ''
      },
      env: { RUNNER_DEBUG: '1' }
    });
    const timing = parseWorkflowCommands(stdout)
      .map(({ message }) =>
        /^Discovered (\d+) entries in (\d+) files \((\d+) bytes\) in ([\d.]+) ms\.$/.exec(message)
      )
      .find(Boolean);
    if (!timing) throw new Error('the debug log has no discovery timing');
    readings.push({
      files: Number(timing[2]),
      bytes: Number(timing[3]),
      ms: Number(timing[4]),
      count: outputs['diff-count']
    });
  }
  const ms = median(readings.map((reading) => reading.ms));
  const { bytes, files: read, count } = readings[0];
  discovery.push([
    read.toLocaleString('en'),
    String(SQL_LINES),
    `${(bytes / 1e6).toFixed(1)} MB`,
    ms.toFixed(1),
    (bytes / 1e6 / (ms / 1000)).toFixed(1),
    count
  ]);
  table(
    `Discovery (discover: sql, dry run, RUNNER_DEBUG=1; median of ${readings.length}; the target: 20 MB/s or better)`,
    discovery
  );

  // 5. What the action ships, and how much of it a reviewer can read line by line.
  const dist = path.join(REPO_ROOT, 'dist');
  const rowsOf = readdirSync(dist).map((name) => {
    const bytes = statSync(path.join(dist, name)).size;
    if (!name.endsWith('.js')) return [name, kB(bytes), ''];
    const lines = readFileSync(path.join(dist, name), 'utf8').split('\n');
    const long = lines
      .filter((line) => line.length > 500)
      .reduce((n, line) => n + line.length + 1, 0);
    return [name, kB(bytes), `${((100 * long) / bytes).toFixed(1)} % in lines over 500 characters`];
  });
  table('dist/ on disk', [['file', 'size', 'readability'], ...rowsOf]);
  console.log(
    `\nMachine: ${os.cpus().length}× ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
  );
} finally {
  await Promise.all([datafold.close(), github.close()]);
  rmSync(workspace, { recursive: true, force: true });
}
