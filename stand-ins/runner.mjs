// @ts-check
/**
 * What a GitHub runner does around a JavaScript action, shared by the e2e tests
 * (__tests__/e2e/launch.ts) and `npm run demo`: build the step's environment and files, run
 * `node dist/index.js`, and read back the outputs, the job summary and the workflow commands.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE = path.join(REPO_ROOT, 'dist', 'index.js');
/** What `${{ github.token }}` expands to. */
export const TEST_GITHUB_TOKEN = 'ghs_standInToken000000000000000000000000';
/**
 * GITHUB_SHA when the event does not name the commit: on pull_request events the runner sets
 * the synthetic merge commit, elsewhere the default branch head; never a PR's head, so an
 * action that wrongly uses GITHUB_SHA as the head shows it.
 */
export const SYNTHETIC_SHA = '5ea1ed0000000000000000000000000000000000';
/** Nothing listens here: without a GitHub stand-in, stray API calls fail fast and locally. */
const CLOSED_PORT_URL = 'http://127.0.0.1:9';

/**
 * @typedef {object} ActionInput
 * @property {string} name
 * @property {boolean} required
 * @property {string | undefined} default  as written in action.yml, expressions unexpanded
 */

/**
 * The inputs action.yml declares. A reader for that file's shape only (block mappings with
 * plain or quoted scalars), so the tests need no YAML dependency.
 * @param {string} [file]
 * @returns {ActionInput[]}
 */
export function actionInputs(file = path.join(REPO_ROOT, 'action.yml')) {
  /** @type {ActionInput[]} */
  const inputs = [];
  let inInputs = false;
  /** @type {number | undefined} */
  let inputIndent;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^( *)([\w-]+):(?:\s+(.*))?$/.exec(line);
    if (!match) continue; // blank, comment, or the continuation of a long scalar
    const [, indent, key, value = ''] = match;
    if (indent.length === 0) {
      inInputs = key === 'inputs';
    } else if (inInputs && (inputIndent === undefined || indent.length === inputIndent)) {
      inputIndent = indent.length;
      inputs.push({ name: key, required: false, default: undefined });
    } else if (inInputs && indent.length > (inputIndent ?? 0) && inputs.length > 0) {
      const input = inputs[inputs.length - 1];
      if (key === 'default') input.default = yamlScalar(value);
      if (key === 'required') input.required = yamlScalar(value) === 'true';
    }
  }
  return inputs;
}

/**
 * Every input's default value as the runner passes it: '' when there is none.
 * @param {string} [token]  what `${{ github.token }}` expands to
 * @returns {Record<string, string>}
 */
export function actionDefaults(token = TEST_GITHUB_TOKEN) {
  return Object.fromEntries(
    actionInputs().map(({ name, default: value = '' }) => {
      const expanded = value.replaceAll(/\$\{\{\s*github\.token\s*\}\}/g, token);
      if (expanded.includes('${{'))
        throw new Error(`action.yml: cannot expand the default of ${name}: ${value}`);
      return [name, expanded];
    })
  );
}

/** @param {string} text */
function yamlScalar(text) {
  const value = text.trim();
  if (value.startsWith('"')) return JSON.parse(value); // YAML's double-quoted escapes are JSON's, for these values
  if (value.startsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  if (/^[|>]/.test(value))
    throw new Error(`action.yml: block scalars are not supported here: ${value}`);
  return value.replace(/\s+#.*$/, '');
}

/**
 * @typedef {object} RunOptions
 * @property {string} eventName  GITHUB_EVENT_NAME
 * @property {object} payload  the event, written to GITHUB_EVENT_PATH
 * @property {Record<string, string>} [inputs]  by action.yml name; the rest get action.yml's defaults
 * @property {Record<string, string | undefined>} [env]  extra variables, applied last; undefined removes one
 * @property {string} [workspace]  GITHUB_WORKSPACE (default: a fresh temp dir, removed by cleanup())
 * @property {Record<string, string>} [files]  files to write into the workspace, by relative path
 * @property {string} [githubUrl]  GITHUB_API_URL (default: a closed loopback port)
 * @property {string} [repository]  GITHUB_REPOSITORY (default 'owner/repo')
 * @property {string} [sha]  GITHUB_SHA (default: from push/merge_group payloads, else SYNTHETIC_SHA)
 * @property {string} [token]  what `${{ github.token }}` expands to (default TEST_GITHUB_TOKEN)
 */

/**
 * @typedef {object} PreparedRun
 * @property {Record<string, string>} env  the step's whole environment
 * @property {string} workspace
 * @property {() => Promise<{ outputs: Record<string, string>, summary: string }>} results
 * @property {() => Promise<void>} cleanup  removes the temp files (not a workspace that was given)
 */

/**
 * Lay out the files a runner provides for one step, and its environment: a clean one (PATH and
 * HOME only from this process, so no INPUT_*, GITHUB_*, proxy or NODE_OPTIONS leak in).
 * @param {RunOptions} options
 * @returns {Promise<PreparedRun>}
 */
export async function prepareRun(options) {
  const { eventName, payload, repository = 'owner/repo', githubUrl = CLOSED_PORT_URL } = options;
  const declared = actionDefaults(options.token);
  const unknown = Object.keys(options.inputs ?? {}).filter((name) => !(name in declared));
  // The runner would only warn; a misspelt input in a test must not pass silently.
  if (unknown.length > 0)
    throw new Error(`inputs not declared in action.yml: ${unknown.join(', ')}`);

  const dir = await mkdtemp(path.join(tmpdir(), 'datafold-action-'));
  const workspace = options.workspace ?? path.join(dir, 'workspace');
  const file = (/** @type {string} */ name) => path.join(dir, name);
  await Promise.all([mkdir(workspace, { recursive: true }), mkdir(file('runner-temp'))]);
  await Promise.all([
    writeFile(file('event.json'), JSON.stringify(payload, null, 2)),
    ...['output', 'summary', 'env', 'path', 'state'].map((name) => writeFile(file(name), '')),
    ...Object.entries(options.files ?? {}).map(async ([name, content]) => {
      await mkdir(path.dirname(path.join(workspace, name)), { recursive: true });
      await writeFile(path.join(workspace, name), content);
    })
  ]);

  /** @type {any} */
  const event = payload;
  const pullRequest = eventName.startsWith('pull_request') ? event.pull_request : undefined;
  /** @type {Record<string, string | undefined>} */
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: file('event.json'),
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('summary'),
    GITHUB_ENV: file('env'),
    GITHUB_PATH: file('path'),
    GITHUB_STATE: file('state'),
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
    // A pull_request synchronize payload has `after`, the head: the runner's SHA is the merge commit.
    GITHUB_SHA:
      options.sha ??
      (pullRequest ? SYNTHETIC_SHA : (event.after ?? event.merge_group?.head_sha ?? SYNTHETIC_SHA)),
    GITHUB_REF: pullRequest
      ? `refs/pull/${pullRequest.number}/merge`
      : (event.merge_group?.head_ref ??
        (eventName === 'push' ? event.ref : undefined) ??
        'refs/heads/main'),
    GITHUB_HEAD_REF: pullRequest?.head?.ref,
    GITHUB_BASE_REF: pullRequest?.base?.ref,
    GITHUB_API_URL: githubUrl,
    GITHUB_GRAPHQL_URL: `${githubUrl}/graphql`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_ACTOR: event.sender?.login ?? 'octocat',
    GITHUB_WORKFLOW: 'Datafold',
    GITHUB_JOB: 'datafold',
    GITHUB_ACTION: 'datafold',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: file('runner-temp'),
    ...inputEnv({ ...declared, ...options.inputs }),
    ...options.env
  };

  return {
    env: /** @type {Record<string, string>} */ (
      Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined))
    ),
    workspace,
    async results() {
      const [output, summary] = await Promise.all([
        readFile(file('output'), 'utf8'),
        readFile(file('summary'), 'utf8')
      ]);
      return { outputs: parseOutputFile(output), summary };
    },
    cleanup: () => rm(dir, { recursive: true, force: true })
  };
}

/**
 * INPUT_<NAME> variables as the runner names them: upper-cased, spaces to `_`, hyphens kept.
 * @param {Record<string, string>} inputs
 */
export function inputEnv(inputs) {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value
    ])
  );
}

/**
 * @typedef {object} ActionProcess
 * @property {number | null} code  exit code; null when killed
 * @property {boolean} timedOut
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * Run the action as the runner does: `node <script>` in the workspace.
 * @param {Record<string, string>} env
 * @param {object} [options]
 * @param {string} [options.cwd]  default: GITHUB_WORKSPACE, as on a runner
 * @param {number} [options.timeoutMs]  kill after this long (default 60 s)
 * @param {string} [options.script]  default dist/index.js; another script only to test this harness
 * @param {(line: string, stream: 'stdout' | 'stderr') => void} [options.onLine]  live log, line by line
 * @param {(child: import('node:child_process').ChildProcess) => void} [options.onStart]  e.g. to signal it
 * @returns {Promise<ActionProcess>}
 */
export function runAction(
  env,
  { cwd = env.GITHUB_WORKSPACE, timeoutMs = 60_000, script = BUNDLE, onLine, onStart } = {}
) {
  if (!existsSync(script)) {
    const name = path.relative(REPO_ROOT, script);
    return Promise.reject(
      new Error(`${name} does not exist${script === BUNDLE ? ': run `npm run bundle` first' : ''}`)
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    onStart?.(child);
    const captured = { stdout: '', stderr: '' };
    for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
      let partial = '';
      child[stream].setEncoding('utf8');
      child[stream].on('data', (/** @type {string} */ chunk) => {
        captured[stream] += chunk;
        if (!onLine) return;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onLine(line, stream);
      });
      child[stream].on('end', () => partial && onLine?.(partial, stream));
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut)
        captured.stderr += `\n[runner] the action did not finish in ${timeoutMs} ms and was killed\n`;
      resolve({ code: timedOut ? null : code, timedOut, ...captured });
    });
  });
}

/**
 * Parse a GITHUB_OUTPUT file as the runner does: `name=value` lines and
 * `name<<DELIMITER` … `DELIMITER` heredocs; a later value for a name wins.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals > 0 && (heredoc < 0 || equals < heredoc)) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1);
      continue;
    }
    if (heredoc <= 0) throw new Error(`GITHUB_OUTPUT line ${i + 1}: invalid format: ${line}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    const end = lines.indexOf(delimiter, i + 1);
    if (end < 0)
      throw new Error(`GITHUB_OUTPUT line ${i + 1}: matching delimiter not found: ${delimiter}`);
    outputs[name] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

/**
 * @typedef {object} WorkflowCommand
 * @property {string} command  e.g. 'error', 'warning', 'notice', 'group', 'add-mask', 'debug'
 * @property {Record<string, string>} properties  e.g. { file: 'diffs.json', line: '7', col: '12' }
 * @property {string} message
 */

/**
 * The `::command key=value,…::message` lines of a log, unescaped as the runner does.
 * @param {string} log
 * @returns {WorkflowCommand[]}
 */
export function parseWorkflowCommands(log) {
  return log.split(/\r?\n/).flatMap((line) => {
    const match = /^::([\w-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) return [];
    const [, command, props = '', message] = match;
    const properties = Object.fromEntries(
      props
        .split(',')
        .filter((pair) => pair.includes('='))
        .map((pair) => [
          pair.slice(0, pair.indexOf('=')),
          unescapeProperty(pair.slice(pair.indexOf('=') + 1))
        ])
    );
    return [{ command, properties, message: unescapeData(message) }];
  });
}

/** @param {string} text */
const unescapeData = (text) =>
  text.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
/** @param {string} text */
const unescapeProperty = (text) => unescapeData(text.replaceAll('%3A', ':').replaceAll('%2C', ','));
