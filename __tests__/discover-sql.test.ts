import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readSql } from '../src/diffs/discover/sql.js';

/** One line per argument, so expected line numbers can be read off the test. */
const file = (...lines: string[]): string => lines.join('\n');

/** Each declared table as `line: name [pk]`, its parts joined with dots. */
function tables(text: string): string[] {
  return readSql(text).tables.map(
    ({ line, name, pk }) => `${line}: ${name.map((part) => part.text).join('.')} [${pk.join(', ')}]`
  );
}

const cases: Array<[string, string, string[]]> = [
  // The SDK's own example (Datafold's fully automated guide), byte for byte.
  [
    "the SDK's example: a pk comment above a parameterised CREATE OR REPLACE TABLE",
    file(
      '-- datafold: pk=org_id',
      'CREATE OR REPLACE TABLE analytics.${target_schema}.dim_orgs AS (',
      '  SELECT',
      '    org_id,',
      '    org_name,',
      '    employee_count,',
      '    created_at',
      '  FROM analytics.${target_schema}.org_created',
      ');'
    ),
    ['2: analytics.${target_schema}.dim_orgs [org_id]']
  ],
  [
    'every statement of a file, not only the first',
    file(
      'create table a.one (x int);',
      'create table a.two (y int);',
      'create view a.three as select 1'
    ),
    ['1: a.one []', '2: a.two []', '3: a.three []']
  ],
  [
    'two statements on one line',
    'create table a.one (x int); create table a.two as select 1;',
    ['1: a.one []', '1: a.two []']
  ],
  // Object kinds.
  [
    'views, materialized views and their modifiers',
    file(
      'CREATE VIEW v.plain AS SELECT 1;',
      'create materialized view if not exists v.mat as select 1;',
      'CREATE OR REPLACE SECURE VIEW v.secure AS SELECT 1;',
      'CREATE OR REPLACE SECURE MATERIALIZED VIEW v.secure_mat AS SELECT 1;',
      'CREATE RECURSIVE VIEW v.rec (n) AS SELECT 1;'
    ),
    ['1: v.plain []', '2: v.mat []', '3: v.secure []', '4: v.secure_mat []', '5: v.rec []']
  ],
  [
    'table modifiers of every dialect',
    file(
      'CREATE OR REPLACE TRANSIENT TABLE s.transient (x int);',
      'CREATE EXTERNAL TABLE s.external (x int);',
      'CREATE OR REPLACE DYNAMIC TABLE s.dynamic TARGET_LAG = 1 AS SELECT 1;',
      'CREATE ICEBERG TABLE s.iceberg (x int);',
      'CREATE UNLOGGED TABLE s.unlogged (x int);',
      'CREATE OR ALTER TABLE s.altered (x int);',
      'create snapshot table s.snap clone s.base;'
    ),
    [
      '1: s.transient []',
      '2: s.external []',
      '3: s.dynamic []',
      '4: s.iceberg []',
      '5: s.unlogged []',
      '6: s.altered []',
      '7: s.snap []'
    ]
  ],
  [
    'temporary tables end with the session: skipped',
    file(
      'CREATE TEMP TABLE s.a (x int);',
      'create temporary table s.b as select 1;',
      'CREATE OR REPLACE TEMPORARY TABLE s.c (x int);',
      'CREATE VOLATILE TABLE s.d (x int);',
      'CREATE LOCAL TEMPORARY TABLE s.e (x int);',
      'CREATE GLOBAL TEMPORARY TABLE s.f (x int);',
      'CREATE OR REPLACE TEMP VIEW s.g AS SELECT 1;',
      'CREATE TABLE s.kept (x int);'
    ),
    ['8: s.kept []']
  ],
  [
    'other objects declare no table',
    file(
      'CREATE TABLE FUNCTION ds.tf(x INT64) AS SELECT x;',
      'CREATE OR REPLACE FUNCTION ds.f(x INT) RETURNS TABLE (y INT) AS $$ select 1 $$;',
      'CREATE TEMP FUNCTION f(x INT64) AS (x);',
      'CREATE PROCEDURE ds.p() BEGIN SELECT 1; END;',
      'CREATE SCHEMA IF NOT EXISTS analytics;',
      'create or replace stage s.stage url = $$s3://b$$;',
      'create or replace file format s.csv type = csv;',
      'CREATE TASK s.t WAREHOUSE = wh AS SELECT 1;',
      'CREATE SEQUENCE s.seq;',
      'CREATE UNIQUE INDEX idx ON s.t (x);',
      'create row access policy s.p as (x varchar) returns boolean -> true;',
      'CREATE STREAM s.st ON TABLE s.t;',
      'CREATE DATABASE d;'
    ),
    []
  ],
  [
    'IF NOT EXISTS before the name',
    'CREATE TABLE IF NOT EXISTS DATA.SCHEDULED_TASKS(TASK_ID int);',
    ['1: DATA.SCHEDULED_TASKS []']
  ],
  // Comments and strings are not code.
  [
    'a CREATE inside comments is no statement',
    file(
      '-- create table c.line (x int);',
      '/* create table c.block (x int); */',
      '/*',
      'create table c.multi (x int);',
      '*/',
      '// create table c.snowflake (x int);',
      '# create table c.bigquery (x int);',
      'create table c.real (x int);'
    ),
    ['8: c.real []']
  ],
  [
    'a CREATE inside strings is no statement, nor is a ; inside them an end',
    file(
      "select 'create table s.single (x int); create table s.other';",
      'select "create table s.double;";',
      "EXECUTE IMMEDIATE 'CREATE TABLE s.dynamic_sql AS SELECT 1';",
      "select 'it''s; create table s.doubled_quote';",
      "select 'it\\'s; create table s.backslash';",
      "SET q = '''",
      '  create table s.triple (x int);',
      "''';",
      'SET r = r"""create table s.raw; """;',
      'create table s.real (x int);'
    ),
    ['10: s.real []']
  ],
  [
    'procedure bodies in $$ or $tag$ are strings',
    file(
      'create or replace procedure p() returns string language sql as $$',
      '  begin',
      '    create table s.in_body (x int);',
      '  end;',
      '$$;',
      'CREATE FUNCTION f() RETURNS void AS $fn$',
      '  CREATE TABLE s.in_tagged (x int);',
      '$fn$ LANGUAGE sql;',
      'create table s.real as select $1, $2 from @stage;'
    ),
    ['9: s.real []']
  ],
  [
    "Postgres' #> and #>> are operators, not comments",
    file("select data #>> '{a,b}', data #> '{c}' from t;", 'create table s.after (x int);'),
    ['2: s.after []']
  ],
  [
    'a # after code and a blank is a comment (BigQuery)',
    file('select 1 # trailing; create table s.hidden (x int)', ';', 'create table s.real (x int);'),
    ['3: s.real []']
  ],
  [
    'CRLF line ends',
    'create table a.one (x int);\r\n\r\ncreate table a.two (x int);\r\n',
    ['1: a.one []', '3: a.two []']
  ],
  // Names and quoting.
  [
    'quoted identifiers: quotes dropped, case kept, escaped quotes unescaped',
    file(
      'CREATE TABLE "Analytics"."Prod"."Orders" (x int);',
      'CREATE TABLE "we""ird".t (x int);',
      'CREATE TABLE [dbo].[Order Lines] (x int);',
      'CREATE TABLE `catalog`.`schema`.`events` (x int);',
      'CREATE TABLE mixed."Case".`t` (x int);'
    ),
    [
      '1: Analytics.Prod.Orders []',
      '2: we"ird.t []',
      '3: dbo.Order Lines []',
      '4: catalog.schema.events []',
      '5: mixed.Case.t []'
    ]
  ],
  [
    "BigQuery's dotted backtick names and dashed project names",
    file(
      'CREATE OR REPLACE TABLE `my-project.analytics.orders` AS SELECT 1;',
      'CREATE TABLE my-project.analytics.customers (id INT64);'
    ),
    ['1: my-project.analytics.orders []', '2: my-project.analytics.customers []']
  ],
  [
    'placeholders anywhere in a name, spaces around the dots',
    file('create table ${db}.pr_${suffix} . orders_${v} (x int);'),
    ['1: ${db}.pr_${suffix}.orders_${v} []']
  ],
  // Primary keys, every rule.
  [
    'a pk comment inside the statement',
    file('create table s.t as', '-- datafold: pk=a, b', 'select 1 as a, 2 as b;'),
    ['1: s.t [a, b]']
  ],
  [
    'a pk comment, in any case and spacing, in a block comment',
    file('/* DataFold : PK = Id ,Day */', 'create table s.t as select 1;'),
    ['2: s.t [Id, Day]']
  ],
  [
    "a pk comment belongs to the statement it stands in or before, since the previous ';'",
    file(
      '-- datafold: pk=first_id',
      'create table s.first as select 1;',
      'create table s.second as select 1; -- datafold: pk=third_id',
      'create table s.third as select 1;'
    ),
    ['2: s.first [first_id]', '3: s.second []', '4: s.third [third_id]']
  ],
  [
    "the SDK's reading: with one table in the file, its pk comment may stand anywhere",
    file('create table s.only as select 1;', '', '-- datafold: pk=only_id'),
    ['1: s.only [only_id]']
  ],
  [
    'a temporary table does not count as a second table for that reading',
    file(
      'create temp table scratch as select 1;',
      'create table s.only as select 1;',
      '-- datafold: pk=only_id'
    ),
    ['2: s.only [only_id]']
  ],
  [
    'a PRIMARY KEY table constraint, named or not, NOT ENFORCED and RELY are no columns',
    file(
      'create table s.a (id int, day date, primary key (id, day));',
      'create table s.b (',
      '  id int,',
      '  constraint pk_b primary key (id) not enforced rely',
      ');'
    ),
    ['1: s.a [id, day]', '2: s.b [id]']
  ],
  [
    'foreign keys and references are not the primary key',
    file(
      'create table s.t (',
      '  a varchar,',
      '  b varchar references s.other (id),',
      '  constraint pkey primary key (a, b) not enforced,',
      '  constraint fkey foreign key (a) references s.base (base_id)',
      ');',
      'create table s.u (x int references s.t (a), unique (x));'
    ),
    ['1: s.t [a, b]', '7: s.u []']
  ],
  [
    'inline PRIMARY KEY columns, with or without a constraint name',
    file(
      'create table s.a (id int primary key, name text);',
      'create table s.b (id int not null constraint pk_b primary key, other int);',
      'create table s.c ("Order Id" varchar PRIMARY KEY);',
      'create table s.d ([Id] int primary key);'
    ),
    ['1: s.a [id]', '2: s.b [id]', '3: s.c [Order Id]', '4: s.d [Id]']
  ],
  [
    'the comment beats a constraint, a constraint beats inline keys',
    file(
      '-- datafold: pk=from_comment',
      'create table s.a (id int primary key);',
      'create table s.b (id int primary key, k int, primary key (k));'
    ),
    ['2: s.a [from_comment]', '3: s.b [k]']
  ],
  [
    'typed columns: parentheses, BigQuery STRUCT<…> and ARRAY<…> commas',
    file(
      'CREATE TABLE ds.t (',
      '  amount NUMERIC(10, 2),',
      '  s STRUCT<a INT64, b ARRAY<STRING>>,',
      '  id STRING,',
      '  PRIMARY KEY (id) NOT ENFORCED',
      ');'
    ),
    ['1: ds.t [id]']
  ],
  [
    "Databricks' constraint and Redshift's DISTKEY/SORTKEY after the column list",
    file(
      'CREATE TABLE c.s.t (id BIGINT NOT NULL, CONSTRAINT t_pk PRIMARY KEY(id)) USING DELTA;',
      'create table s.r (id int, day date) diststyle key distkey(id) sortkey(day);'
    ),
    ['1: c.s.t [id]', '2: s.r []']
  ],
  [
    'key columns with a length or an order',
    'create table s.t (name varchar(20), day date, primary key (name(10), day desc));',
    ['1: s.t [name, day]']
  ],
  // Broken or partial text.
  ['no table at all', file('select 1;', 'insert into s.t values (1);', '-- the end'), []],
  ['an empty file', '', []],
  [
    'an unbalanced column list stops at the ;',
    file('create table s.broken (x int;', 'create table s.next (y int);'),
    ['1: s.broken []', '2: s.next []']
  ]
];

describe('readSql', () => {
  it.each(cases)('%s', (_, text, expected) => {
    expect(tables(text)).toEqual(expected);
  });

  it('says which parts split at dots once placeholders are filled in', () => {
    const [table] = readSql('create table `p.d`."a.b".plain.[x.y] (x int);').tables;
    expect(table.name).toEqual([
      { text: 'p.d', splits: true },
      { text: 'a.b', splits: false },
      { text: 'plain', splits: true },
      { text: 'x.y', splits: false }
    ]);
  });

  it.each([
    [
      'string',
      file('create table s.before (x int);', "select 'never closed;", 'create table s.no;'),
      2
    ],
    ['comment', file('create table s.before (x int);', '', '/* never closed'), 3],
    ['$$ body', file('create table s.before (x int);', 'create procedure p() as $$ begin'), 2],
    ['quoted identifier', file('create table s.before (x int);', 'select "never closed'), 2]
  ])(
    'an unterminated %s: the tables before it, and the line where it opens',
    (what, text, line) => {
      expect(readSql(text)).toEqual({
        tables: [
          {
            line: 1,
            name: [
              { text: 's', splits: true },
              { text: 'before', splits: true }
            ],
            pk: []
          }
        ],
        unterminated: { what, line }
      });
    }
  );
});

/** The corpus: real files from public repositories (__fixtures__/discover/README.md). */
const corpus = (name: string) =>
  readFileSync(new URL(`../__fixtures__/discover/sql/${name}`, import.meta.url), 'utf8');

describe('readSql on real files', () => {
  const bigquery = 'bigquery-utils/scripts/optimization';
  const snowflake = 'emerging-solutions-toolbox';
  it.each([
    [
      // A temporary table, triple-quoted strings holding backticks and "--".
      `${bigquery}/storage_billing_model_savings_ddl.sql`,
      ['66: optimization_workshop.storage_billing_model_savings_ddl []']
    ],
    [
      `${bigquery}/queries_grouped_by_script.sql`,
      ['33: optimization_workshop.queries_grouped_by_script []']
    ],
    [
      // A column list with ARRAY<STRING>, a temporary function, r"""…""" and a "create" in prose.
      `${bigquery}/views_with_nonoptimal_join_condition.sql`,
      ['29: optimization_workshop.views_with_nonoptimal_join_condition []']
    ],
    [
      `${bigquery}/anti-pattern-recognittion-tool-scripts/anti_pattern_recoginition_tool_tables.sql`,
      [
        '17: optimization_workshop.antipattern_output_table []',
        '27: optimization_workshop.antipattern_tool_input_view []'
      ]
    ],
    [
      `${bigquery}/hourly_slot_consumption_by_query_hash.sql`,
      ['21: optimization_workshop.hourly_slot_consumption_by_query_hash []']
    ],
    [
      // Roles, grants, a row access policy, "system$wait", JSON in strings, $$ in comments.
      `${snowflake}/sfguide-solution-installation-wizard/1-sol_inst_wzd_provider_setup.sql`,
      [
        '45: sol_inst_wzd_package.admin.provider_account_identifier []',
        '62: sol_inst_wzd_package.admin.placeholder_definition []',
        '87: sol_inst_wzd_package.admin.script []'
      ]
    ],
    [
      // Procedures with $$ bodies (one creates a function inside), a sequence, a streamlit.
      `${snowflake}/sfguide-getting-started-with-api-enrichment-framework/setup_hello.sql`,
      ['83: DATA.SCHEDULED_TASKS []', '91: DATA.METADATA []']
    ],
    [
      // File formats, a stage, USING TEMPLATE tables, @stage paths.
      `${snowflake}/framework-zamboni/demo/01_zamboni_create_sample_data.sql`,
      [
        '22: zamboni_db.zamboni_src.inventory_on_hands []',
        '35: zamboni_db.zamboni_src.inventory_transactions []',
        '48: zamboni_db.zamboni_src.item_locations []',
        '61: zamboni_db.zamboni_src.items []',
        '74: zamboni_db.zamboni_src.locations []',
        '97: ZAMBONI_DB.ZAMBONI_TGT.INVENTORY_BY_TRANSACTION_INCREMENTAL []'
      ]
    ],
    [
      // A transient table, stages, a Python function with a $$ body, '' inside strings.
      `${snowflake}/framework-voice-of-the-customer/install.sql`,
      ['44: voice_of_the_customer.app.call_transcripts_bronze []']
    ],
    [
      // Primary and foreign key constraints; a commented-out CREATE LISTING with a $$ body.
      `${snowflake}/sfguide-data-model-mapper/consumer_init.sql`,
      [
        '62: drb_customer_sample_db.sample_data.sample_base_table [base_table_record_col]',
        '71: drb_customer_sample_db.sample_data.sample_agg_table [base_table_record_col, agg_table_record_col]'
      ]
    ],
    [`${snowflake}/helper-share-iceberger-helper/setup_hello.sql`, ['8: SRC.DATA_TBL []']]
  ])('%s', (name, expected) => {
    const text = corpus(name);
    expect(tables(text)).toEqual(expected);
    expect(readSql(text).unterminated).toBeUndefined();
  });
});
