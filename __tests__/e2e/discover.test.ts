/**
 * Discovery end to end (docs/discovery.md): the bundle on a git workspace, the pull request's
 * files listed by the GitHub stand-in with their status, against the Datafold stand-in. Each
 * case compares the exact body Datafold received (key order included), the annotations, and
 * the GitHub requests the run made.
 */
import { describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GitHubOptions } from '../../stand-ins/github.mjs';
import {
  expectRun,
  filesPage,
  gitHub,
  gitWorkspace,
  HEAD_SHA,
  messages,
  NUMBER,
  pull,
  skipped,
  submit,
  submitted,
  withPull
} from './checks.js';
import { payloadFor } from './launch.js';
import { scenario, type Scenario } from './scenario.js';

jest.setTimeout(60_000);

type FileSpec = NonNullable<NonNullable<GitHubOptions['pulls']>[number]['files']>[number];

interface Run {
  /** The checkout: files by path (text or bytes). */
  files: Record<string, string | Buffer>;
  /** Symbolic links in the checkout, by path, to their targets. */
  links?: Record<string, string>;
  /** What GitHub lists as changed, in order; by default every file of the checkout. */
  changed?: FileSpec[];
  /** `changed_files`, when it differs from the listing (GitHub's cap). */
  changedFiles?: number;
  inputs: Record<string, string>;
  /** Run on the checkout before the action starts (a FIFO, a sparse file). */
  prepare?: (dir: string) => Promise<unknown>;
}

/** PR #42, opened, with the action discovering its diffs on a git checkout. */
async function discover(run: Run): Promise<Scenario> {
  const checkout = await gitWorkspace(run.files, run.links);
  try {
    await run.prepare?.(checkout.dir);
    const changed =
      run.changed ??
      [...Object.keys(run.files), ...Object.keys(run.links ?? {})].map((filename) => ({
        filename
      }));
    const spec = pull({ files: changed, changedFiles: run.changedFiles });
    return await scenario({
      payload: withPull(
        payloadFor('pull_request', (p) => p.action === 'opened'),
        spec
      ),
      github: gitHub([spec]),
      workspace: checkout.dir,
      files: {},
      inputs: { diffs: '', ...run.inputs }
    });
  } finally {
    await checkout.rm();
  }
}

/** An entry as Datafold must receive it: every key, in the SDK's order. */
const entry = (prod: string, pr: string, pk: string[] = []) => ({
  prod,
  pr,
  pk,
  include_columns: [],
  exclude_columns: []
});

type Entry = ReturnType<typeof entry>;

/** The body Datafold received, with its keys' order checked. */
function body(run: Scenario): unknown {
  const received = run.datafold.requests[0]?.json as Entry[];
  for (const item of received)
    expect(Object.keys(item)).toEqual(['prod', 'pr', 'pk', 'include_columns', 'exclude_columns']);
  return received;
}

/** The outputs of a submission of `entries`. */
const submittedAs = (entries: Entry[]) =>
  submitted({ 'diff-count': String(entries.length), diffs: JSON.stringify(entries) });

const corpus = (name: string) =>
  readFileSync(new URL(`../../__fixtures__/discover/${name}`, import.meta.url));

const lines = (...text: string[]) => `${text.join('\n')}\n`;

const SDK_PARAMS = {
  discover: 'sql',
  'prod-params': '{"target_schema": "core"}',
  'pr-params': '{"target_schema": "pr_42"}'
};

describe('discover: sql', () => {
  const files = {
    // The SDK's own example (Datafold's fully automated guide).
    'models/dim_orgs.sql': lines(
      '-- datafold: pk=org_id',
      'CREATE OR REPLACE TABLE analytics.${target_schema}.dim_orgs AS (',
      '  SELECT org_id FROM analytics.${target_schema}.org_created',
      ');'
    ),
    'README.md': '# Models\n',
    // Several statements: a comment, a temporary table, a string, quoted names, a view.
    'models/marts.sql': lines(
      '/* create table analytics.${target_schema}.in_comment (x int); */',
      'CREATE TEMP TABLE scratch AS SELECT 1;',
      '-- datafold: pk=order_id',
      'create or replace transient table "ANALYTICS".${target_schema}."Orders" (',
      '  order_id int,',
      "  note varchar default 'create table analytics.x.in_string (y int);'",
      ');',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS `analytics`.${target_schema}.daily_orders AS',
      'SELECT day, count(*) FROM analytics.${target_schema}."Orders" GROUP BY day;',
      'create table analytics.${target_schema}.customers (',
      '  customer_id int,',
      '  region text,',
      '  primary key (customer_id, region)',
      ');'
    ),
    'models/v_orders_new.sql':
      'create view analytics.${target_schema}.v_orders as select 1 as id;\n',
    // Outside "discover-paths".
    'analyses/adhoc.sql': 'create table analytics.${target_schema}.adhoc (x int);\n',
    // The same table again: discovered once, the first file's primary key kept.
    'models/dup.sql': lines(
      '-- a copy',
      'create table analytics.${target_schema}.dim_orgs as select 1 as org_id;'
    )
  };
  const changed: FileSpec[] = [
    { filename: 'models/dim_orgs.sql', status: 'added' },
    { filename: 'README.md' },
    { filename: 'models/marts.sql' },
    { filename: 'models/removed.sql', status: 'removed' },
    {
      filename: 'models/v_orders_new.sql',
      status: 'renamed',
      previous_filename: 'models/v_orders.sql'
    },
    { filename: 'analyses/adhoc.sql' },
    { filename: 'models/dup.sql' }
  ];
  const inputs = {
    ...SDK_PARAMS,
    'discover-paths': 'models/**/*.sql',
    'files-to-ignore': '*.md'
  };
  const DISCOVERED = [
    entry('analytics.core.dim_orgs', 'analytics.pr_42.dim_orgs', ['org_id']),
    entry('ANALYTICS.core.Orders', 'ANALYTICS.pr_42.Orders', ['order_id']),
    entry('analytics.core.daily_orders', 'analytics.pr_42.daily_orders'),
    entry('analytics.core.customers', 'analytics.pr_42.customers', ['customer_id', 'region']),
    entry('analytics.core.v_orders', 'analytics.pr_42.v_orders')
  ];

  it.concurrent(
    "the SDK's conventions across files, statements and quoting; files-to-ignore on the same listing",
    async () => {
      const run = await discover({ files, changed, inputs });
      // One listing serves files-to-ignore and discovery.
      expectRun(run, {
        outputs: submittedAs(DISCOVERED),
        datafold: [submit()],
        github: [filesPage(1)]
      });
      expect(body(run)).toEqual(DISCOVERED);
      expect(messages(run, 'warning')).toEqual([]);
      expect(messages(run, 'notice')).toEqual([]);
      for (const from of [
        'models/dim_orgs.sql:2',
        'models/marts.sql:4',
        'models/marts.sql:8',
        'models/marts.sql:10',
        'models/v_orders_new.sql:1'
      ])
        expect(run.result.summary).toContain(`<code>${from}</code>`);
      expect(run.result.summary).toContain('<h3>Discovered</h3>');
      expect(run.result.stdout).toContain(
        'models/dup.sql:2: analytics.core.dim_orgs → analytics.pr_42.dim_orgs again (first in models/dim_orgs.sql:2): diffed once.'
      );
    }
  );

  it.concurrent('dry-run: nothing sent, the same list in the output and the summary', async () => {
    const run = await discover({ files, changed, inputs: { ...inputs, 'dry-run': 'true' } });
    expectRun(run, {
      outputs: skipped('dry-run', {
        'pr-number': String(NUMBER),
        'head-sha': HEAD_SHA,
        'diff-count': '5',
        diffs: JSON.stringify(DISCOVERED)
      }),
      datafold: [],
      github: [filesPage(1)]
    });
    expect(run.result.summary).toContain('<code>models/marts.sql:10</code>');
  });

  it.concurrent('files-to-ignore that ignores every file skips before discovery', async () => {
    const run = await discover({ files, changed, inputs: { ...inputs, 'files-to-ignore': '*' } });
    expectRun(run, {
      outputs: skipped('ignored-files', { 'pr-number': String(NUMBER), 'head-sha': HEAD_SHA }),
      datafold: [],
      github: [filesPage(1)]
    });
  });

  it.concurrent(
    'diff-threshold counts the discovered entries, over every page in order',
    async () => {
      const many = Object.fromEntries(
        Array.from({ length: 150 }, (_, i) => [
          `models/t${String(i).padStart(3, '0')}.sql`,
          `create table s.t${i} (id int primary key);\n`
        ])
      );
      const run = await discover({
        files: many,
        inputs: { discover: 'sql', 'pr-table': 'pr.{table}', 'diff-threshold': '149' }
      });
      const entries = Array.from({ length: 150 }, (_, i) => entry(`s.t${i}`, `pr.t${i}`, ['id']));
      expectRun(run, {
        outputs: skipped('threshold', {
          'pr-number': String(NUMBER),
          'head-sha': HEAD_SHA,
          'diff-count': '150',
          diffs: JSON.stringify(entries)
        }),
        datafold: [],
        github: [filesPage(1), filesPage(2)]
      });
      expect(messages(run, 'warning')).toEqual([
        'Skipped: the diffs have 150 entries, more than "diff-threshold" (149). Raise the threshold or diff fewer tables.'
      ]);
    }
  );

  it.concurrent('no table at all: [] is submitted, with a notice', async () => {
    const run = await discover({
      files: {
        'models/checks.sql': 'select 1; -- create table a.b (x int)\n',
        'models/notes.md': 'x'
      },
      inputs: SDK_PARAMS
    });
    expectRun(run, { outputs: submittedAs([]), datafold: [submit()], github: [filesPage(1)] });
    expect(body(run)).toEqual([]);
    expect(messages(run, 'notice')).toEqual([
      'Discovery found no table in the 1 changed file it read: the diffs are [], which tells Datafold there is nothing to diff.'
    ]);
    expect(run.result.summary).toContain('No table in the 1 changed file read.');
  });
});

describe('discover: sql on real files', () => {
  const sql = (name: string) => `sql/${name}`;
  const snowflake = 'emerging-solutions-toolbox';
  const bigquery = 'bigquery-utils/scripts/optimization';

  it.concurrent(
    'Snowflake: $$ bodies, constraints, transient tables, a template for the PR',
    async () => {
      const names = [
        `${snowflake}/sfguide-data-model-mapper/consumer_init.sql`,
        `${snowflake}/framework-voice-of-the-customer/install.sql`,
        `${snowflake}/sfguide-solution-installation-wizard/1-sol_inst_wzd_provider_setup.sql`
      ];
      const run = await discover({
        files: Object.fromEntries(names.map((name) => [name, corpus(sql(name))])),
        inputs: { discover: 'sql', 'pr-table': '{catalog}.{schema}_PR_{pr}.{table}' }
      });
      const db = 'drb_customer_sample_db';
      const wizard = 'sol_inst_wzd_package';
      const expected = [
        entry(`${db}.sample_data.sample_base_table`, `${db}.sample_data_PR_42.sample_base_table`, [
          'base_table_record_col'
        ]),
        entry(`${db}.sample_data.sample_agg_table`, `${db}.sample_data_PR_42.sample_agg_table`, [
          'base_table_record_col',
          'agg_table_record_col'
        ]),
        entry(
          'voice_of_the_customer.app.call_transcripts_bronze',
          'voice_of_the_customer.app_PR_42.call_transcripts_bronze'
        ),
        entry(
          `${wizard}.admin.provider_account_identifier`,
          `${wizard}.admin_PR_42.provider_account_identifier`
        ),
        entry(
          `${wizard}.admin.placeholder_definition`,
          `${wizard}.admin_PR_42.placeholder_definition`
        ),
        entry(`${wizard}.admin.script`, `${wizard}.admin_PR_42.script`)
      ];
      expectRun(run, {
        outputs: submittedAs(expected),
        datafold: [submit()],
        github: [filesPage(1)]
      });
      expect(body(run)).toEqual(expected);
      expect(messages(run, 'warning')).toEqual([]);
    }
  );

  it.concurrent('BigQuery: backtick names, triple-quoted strings, temporary tables', async () => {
    const names = [
      `${bigquery}/storage_billing_model_savings_ddl.sql`,
      `${bigquery}/anti-pattern-recognittion-tool-scripts/anti_pattern_recoginition_tool_tables.sql`,
      `${bigquery}/hourly_slot_consumption_by_query_hash.sql`
    ];
    const run = await discover({
      files: Object.fromEntries(names.map((name) => [name, corpus(sql(name))])),
      inputs: { discover: 'sql', 'pr-table': '{schema}_pr_{pr}.{table}' }
    });
    const expected = [
      'storage_billing_model_savings_ddl',
      'antipattern_output_table',
      'antipattern_tool_input_view',
      'hourly_slot_consumption_by_query_hash'
    ].map((table) =>
      entry(`optimization_workshop.${table}`, `optimization_workshop_pr_42.${table}`)
    );
    expectRun(run, {
      outputs: submittedAs(expected),
      datafold: [submit()],
      github: [filesPage(1)]
    });
    expect(body(run)).toEqual(expected);
  });
});

describe('discover: sqlmesh', () => {
  const sushi = (name: string) => corpus(`sqlmesh/${name}`);
  const project = {
    'models/customers.sql': sushi('models/customers.sql'),
    'models/waiter_revenue_by_day.sql': sushi('models/waiter_revenue_by_day.sql'),
    'models/waiters.py': sushi('models/waiters.py'),
    'models/macros.sql': '@DEF(threshold, 10);\n',
    'audits/items.sql': sushi('audits/items.sql')
  };
  const changed: FileSpec[] = [
    { filename: 'models/customers.sql' },
    {
      filename: 'models/waiter_revenue_by_day.sql',
      status: 'renamed',
      previous_filename: 'models/waiter_revenue.sql'
    },
    { filename: 'models/latest_order.sql', status: 'removed' },
    { filename: 'models/waiters.py' },
    { filename: 'models/macros.sql' },
    { filename: 'audits/items.sql' }
  ];

  it.concurrent.each([
    // The bot's environment: the repository's name (owner/repo) and the PR number.
    [{}, 'sushi__repo_42'],
    [{ 'sqlmesh-environment': 'Feature-Env' }, 'sushi__feature_env']
  ])('the PR tables in the environment of %j', async (extra, schema) => {
    const run = await discover({
      files: project,
      changed,
      inputs: { discover: 'sqlmesh', ...extra }
    });
    const expected = [
      entry('sushi.customers', `${schema}.customers`, ['customer_id']),
      entry('sushi.waiter_revenue_by_day', `${schema}.waiter_revenue_by_day`, [
        'waiter_id',
        'event_date'
      ])
    ];
    expectRun(run, {
      outputs: submittedAs(expected),
      datafold: [submit()],
      github: [filesPage(1)]
    });
    expect(body(run)).toEqual(expected);
    expect(messages(run, 'notice')).toEqual([
      'Skipped 1 changed file matching "discover-paths" that holds no SQLMesh model (no MODEL (...) block first: macros, audits, Python models).'
    ]);
  });

  it.concurrent(
    '"pr-table" overrides the environment (environment_suffix_target: table)',
    async () => {
      const run = await discover({
        files: project,
        changed,
        inputs: {
          discover: 'sqlmesh',
          'pr-table': '{schema}.{table}__dev',
          'discover-paths': 'models/customers.sql'
        }
      });
      expect(body(run)).toEqual([
        entry('sushi.customers', 'sushi.customers__dev', ['customer_id'])
      ]);
    }
  );
});

describe('what discovery refuses', () => {
  const FAILED = skipped('', { 'pr-number': String(NUMBER), 'head-sha': HEAD_SHA });

  it.concurrent.each<{
    name: string;
    sql: string;
    inputs: Record<string, string>;
    problem: string;
    line: string;
  }>([
    {
      name: 'a ${key} without a value',
      sql: lines('-- orders', '', 'create table analytics.orders_${suffix} (x int);'),
      inputs: { 'prod-params': '{"suffix": "v1"}', 'pr-params': '{}' },
      problem: 'models/orders.sql:3: ${suffix} has no value in "pr-params"',
      line: '3'
    },
    {
      name: 'a template placeholder with no such part',
      sql: 'create table core.orders (x int);\n',
      inputs: { 'pr-table': '{catalog}.{schema}_pr.{table}' },
      problem:
        'models/orders.sql:1: "pr-table" ({catalog}.{schema}_pr.{table}) uses {catalog}, but core.orders has no catalog part',
      line: '1'
    }
  ])(
    '$name: an error at the file and line, nothing sent',
    async ({ sql, inputs, problem, line }) => {
      const run = await discover({
        files: {
          'models/orders.sql': sql,
          'models/fine.sql': 'create table db.core.fine (x int);\n'
        },
        inputs: { discover: 'sql', ...inputs }
      });
      expectRun(run, { code: 1, outputs: FAILED, datafold: [], github: [filesPage(1)] });
      expect(run.result.commands.filter((c) => c.command === 'error')).toEqual([
        { command: 'error', properties: { file: 'models/orders.sql', line }, message: problem },
        {
          command: 'error',
          properties: {},
          message: 'Discovery found a problem; nothing was sent to Datafold. Fix it and push again.'
        }
      ]);
    }
  );

  it.concurrent('a workspace without the pull request checked out', async () => {
    const run = await discover({
      files: { 'README.md': '# Another branch\n' },
      changed: [{ filename: 'models/a.sql' }, { filename: 'models/b.sql' }],
      inputs: SDK_PARAMS
    });
    expectRun(run, { code: 1, outputs: FAILED, datafold: [], github: [filesPage(1)] });
    expect(messages(run, 'warning')).toEqual([
      'models/a.sql is changed by the pull request but missing from the workspace; not read.',
      'models/b.sql is changed by the pull request but missing from the workspace; not read.'
    ]);
    expect(messages(run, 'error')).toEqual([
      'None of the 2 changed files that match "discover-paths" could be read from the workspace ("models/a.sql", "models/b.sql" are missing): check out the pull request first, with actions/checkout in this job before this step.'
    ]);
  });

  it.concurrent('more files than GitHub lists: an error, before any listing', async () => {
    const run = await discover({
      files: { 'models/a.sql': 'create table s.a (x int);\n' },
      changedFiles: 3500,
      inputs: SDK_PARAMS
    });
    expectRun(run, { code: 1, outputs: FAILED, datafold: [], github: [] });
    expect(messages(run, 'error')).toEqual([
      'The pull request changes 3500 files and GitHub lists only the first 3000, so discovery cannot see the rest: split the pull request, or list its diffs in a file ("diffs") instead of "discover".'
    ]);
  });

  it.concurrent(
    'binary, non-UTF-8, oversized, unterminated, symlinked and special files: warnings, in bounded time',
    async () => {
      const started = Date.now();
      const run = await discover({
        files: {
          'models/good.sql': 'create table s.good (id int primary key);\n',
          'models/binary.sql': Buffer.from([0x63, 0x72, 0x00, 0x01, 0xff]),
          'models/latin1.sql': Buffer.from('create table s.caf\xe9 (x int);\n', 'latin1'),
          'models/big.sql': 'create table s.big (x int);\n',
          'models/huge.sql': '',
          'models/unterminated.sql': lines(
            'create table s.before (x int);',
            '/* never closed',
            'create table s.after (x int);'
          )
        },
        links: {
          'models/secrets.sql': '/proc/self/environ',
          'models/up.sql': '../../../../etc/passwd'
        },
        changed: [
          'models/good.sql',
          'models/binary.sql',
          'models/latin1.sql',
          'models/big.sql',
          'models/huge.sql',
          'models/unterminated.sql',
          'models/secrets.sql',
          'models/up.sql',
          'models/fifo.sql'
        ].map((filename) => ({ filename })),
        prepare: async (dir) => {
          await truncate(path.join(dir, 'models/big.sql'), 9 * 1024 * 1024); // sparse
          await truncate(path.join(dir, 'models/huge.sql'), 50_000_000);
          await promisify(execFile)('mkfifo', [path.join(dir, 'models/fifo.sql')]);
        },
        inputs: { discover: 'sql', 'pr-table': 'pr_{pr}.{table}' }
      });
      expect(Date.now() - started).toBeLessThan(20_000);
      const expected = [entry('s.good', 'pr_42.good', ['id']), entry('s.before', 'pr_42.before')];
      expectRun(run, {
        outputs: submittedAs(expected),
        datafold: [submit()],
        github: [filesPage(1)]
      });
      expect(body(run)).toEqual(expected);
      const outside =
        'is a symbolic link, or under one, that leads outside the workspace; not read.';
      expect(messages(run, 'warning')).toEqual([
        'models/binary.sql is binary (it holds NUL bytes), not SQL; not read.',
        'models/latin1.sql is not UTF-8 text; not read.',
        'models/big.sql is 9 MiB; discovery reads files of up to 8 MiB (a SQL model is far smaller); not read.',
        'models/huge.sql is 47.7 MiB; discovery reads files of up to 8 MiB (a SQL model is far smaller); not read.',
        'models/unterminated.sql:2: the comment that opens here never closes, so the rest of the file was not read as SQL.',
        `models/secrets.sql ${outside}`,
        `models/up.sql ${outside}`,
        'models/fifo.sql is not a regular file; not read.'
      ]);
      // Nothing of the files' content reaches the log.
      expect(run.result.stdout).not.toMatch(/PATH=|root:|caf/);
    }
  );
});
