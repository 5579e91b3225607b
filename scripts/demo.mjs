// @ts-check
/**
 * `npm run demo`: the quick start, offline. Runs the committed bundle (dist/index.js) as a
 * runner would, on GitHub's example `pull_request` `opened` event, against loopback stand-ins
 * for Datafold and GitHub, with the default inputs and `wait: true`: it submits, follows the CI
 * run to its end, logging each diff's result as it finishes. Then it shows what the action
 * reported and what each stand-in received. Nothing leaves the machine; no git checkout or token
 * is needed. `npm run demo -- --summary FILE` also writes the job summary (HTML) to FILE;
 * `--fail-fast` adds `fail-on: bad-pks` and `fail-fast: true`, so the step fails as soon as the
 * diff with bad primary keys has finished, while the run goes on. `--discover` finds the diffs
 * instead (`discover: sql`) in the SQL files the pull request changes, written to a temporary
 * checkout: the SDK's placeholders and pk comments, several statements per file, a temporary
 * table and a removed file.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startDatafold } from '../stand-ins/datafold.mjs';
import { startGitHub, webhookExample } from '../stand-ins/github.mjs';
import { parseWorkflowCommands, prepareRun, runAction } from '../stand-ins/runner.mjs';

const API_KEY = 'demo-api-key';
const CI_CONFIG_ID = 123;

// The diffs file in the shape of Datafold's documentation, comments included.
const DIFFS_JSON = `[
  {
    "prod": "ANALYTICS.PROD.ORDERS", // Production table to compare PR changes against
    "pr": "ANALYTICS.PR_2.ORDERS", // Changed table containing data modifications in the PR
    "pk": ["ORDER_ID"], // Primary key; can be an empty array
    // These fields are not required and can be omitted from the JSON file:
    "include_columns": [],
    "exclude_columns": ["UPDATED_AT"]
  },
  {
    "prod": "ANALYTICS.PROD.CUSTOMERS",
    "pr": "ANALYTICS.PR_2.CUSTOMERS",
    "pk": ["CUSTOMER_ID"]
  },
  { "prod": "ANALYTICS.PROD.PAYMENTS", "pr": "ANALYTICS.PR_2.PAYMENTS", "pk": ["PAYMENT_ID"] },
  { "prod": "ANALYTICS.PROD.PRODUCTS", "pr": "ANALYTICS.PR_2.PRODUCTS", "pk": ["SKU"] }
]
`;

// With --discover: the pull request's changed SQL files, as the checkout holds them.
const SQL_FILES = {
  'models/dim_orgs.sql': `-- datafold: pk=org_id
CREATE OR REPLACE TABLE analytics.\${target_schema}.dim_orgs AS (
  SELECT org_id, org_name FROM analytics.\${target_schema}.org_created
);
`,
  'models/orders.sql': `/* create table analytics.\${target_schema}.old_orders -- commented out */
CREATE TEMP TABLE recent AS SELECT * FROM raw.orders WHERE day > current_date - 7;
create or replace table analytics.\${target_schema}.orders (
  order_id int,
  customer_id int,
  constraint pk_orders primary key (order_id) not enforced
);
CREATE VIEW analytics.\${target_schema}.daily_orders AS
SELECT day, count(*) AS orders FROM analytics.\${target_schema}.orders GROUP BY day;
`
};
const CHANGED_SQL = [
  { filename: 'models/dim_orgs.sql', status: /** @type {const} */ ('added') },
  { filename: 'models/orders.sql' },
  { filename: 'models/legacy.sql', status: /** @type {const} */ ('removed') },
  { filename: 'README.md' }
];

const { values: args } = parseArgs({
  options: {
    summary: { type: 'string' },
    'fail-fast': { type: 'boolean' },
    discover: { type: 'boolean' }
  }
});

const payload = webhookExample('pull_request', (p) => p.action === 'opened');
const pull = payload.pull_request;
// Datafold learnt of the pull request from its GitHub integration, so a CI run waits for its
// head commit; it runs for a moment, its diffs finishing one after another.
const datafold = await startDatafold({
  apiKey: API_KEY,
  configIds: [CI_CONFIG_ID],
  waitingPrs: [{ pr_num: pull.number, pr_sha: pull.head.sha }],
  statusSequence: ['running', 'running', 'running', 'done'],
  diffOutcomes: [
    { result: 'different', finishAfter: 2 },
    { result: 'identical', finishAfter: 2 },
    { result: 'bad-pks', finishAfter: 3 },
    { finishAfter: 4 }
  ]
});
// Serves the head commit's message, which the default skip marker needs (the demo has no
// git checkout), and the PR in case the action asks.
const github = await startGitHub({
  pulls: [
    {
      number: pull.number,
      head: { sha: pull.head.sha, ref: pull.head.ref },
      base: { sha: pull.base.sha, ref: pull.base.ref },
      files: args.discover
        ? CHANGED_SQL
        : [{ filename: 'models/orders.sql' }, { filename: 'models/customers.sql' }]
    }
  ]
});

let exitCode = 1;
try {
  const run = await prepareRun({
    eventName: 'pull_request',
    payload,
    githubUrl: github.url,
    files: args.discover
      ? { ...SQL_FILES, 'README.md': '# Models\n' }
      : { 'diffs.json': DIFFS_JSON },
    inputs: {
      'api-key': API_KEY,
      host: datafold.url,
      'ci-config-id': String(CI_CONFIG_ID),
      wait: 'true',
      ...(args.discover
        ? {
            discover: 'sql',
            'prod-params': '{"target_schema": "core"}',
            'pr-params': `{"target_schema": "pr_${pull.number}"}`
          }
        : { diffs: 'diffs.json' }),
      ...(args['fail-fast'] ? { 'fail-on': 'bad-pks', 'fail-fast': 'true' } : {})
    },
    // Polls every 0.5 s instead of 5 s, so the demo does not sit idle.
    env: { DATAFOLD_CI_ACTION_POLL_INTERVAL_MS: '500' }
  });
  try {
    const what = args.discover ? ', discovering the diffs in its changed SQL files' : '';
    heading(`Running dist/index.js on a pull_request event (PR #${pull.number})${what}`);
    const masks = /** @type {string[]} */ ([]);
    const { code } = await runAction(run.env, { onLine: (line) => printLogLine(line, masks) });
    exitCode = code ?? 1;
    const { outputs, summary } = await run.results();

    heading('Outputs');
    for (const [name, value] of Object.entries(outputs)) console.log(`${name}=${value}`);
    heading('Job summary');
    console.log(summary.trim() || '(empty)');
    if (args.summary) await writeFile(args.summary, summary);
    heading(`Requests Datafold received (${datafold.requests.length})`);
    for (const { method, path, headers, json } of datafold.requests) {
      console.log(`${method} ${path}`);
      if (method !== 'POST') continue;
      for (const [name, value] of Object.entries(headers)) {
        console.log(`${name}: ${name === 'authorization' ? 'Key ***' : value}`);
      }
      console.log(`\n${JSON.stringify(json, null, 2)}\n`);
    }
    heading(`Requests GitHub received (${github.requests.length})`);
    for (const { method, path } of github.requests) console.log(`${method} ${path}`);
    heading(`The action exited with ${code}`);
  } finally {
    await run.cleanup();
  }
} finally {
  await Promise.all([datafold.close(), github.close()]);
}
process.exitCode = exitCode;

/**
 * Print one log line roughly as the Actions UI shows it: workflow commands rendered, debug
 * hidden, and values registered with ::add-mask:: replaced by ***.
 * @param {string} line
 * @param {string[]} masks
 */
function printLogLine(line, masks) {
  const [command] = parseWorkflowCommands(line);
  const mask = (/** @type {string} */ text) =>
    masks.reduce((out, secret) => out.replaceAll(secret, '***'), text);
  if (!command) return console.log(mask(line));
  const { command: name, properties, message } = command;
  if (name === 'add-mask') masks.push(message);
  else if (name === 'group') console.log(`▸ ${mask(message)}`);
  else if (['error', 'warning', 'notice'].includes(name)) {
    const where = properties.file ? `${properties.file}:${properties.line ?? 1}: ` : '';
    console.log(`${name[0].toUpperCase()}${name.slice(1)}: ${where}${mask(message)}`);
  }
  // endgroup, debug and the rest are not shown in the UI by default.
}

/** @param {string} title */
function heading(title) {
  console.log(`\n=== ${title} ===\n`);
}
