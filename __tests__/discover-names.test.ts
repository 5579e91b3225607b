import { describe, expect, it } from '@jest/globals';
import { nameTables, sqlmeshEnvironment, type Naming } from '../src/diffs/discover/names.js';
import { readSql } from '../src/diffs/discover/sql.js';
import { valid } from '../__fixtures__/raw-inputs.js';
import { parseInputs, type RawInputs } from '../src/inputs/inputs.js';

/** The naming the inputs give, as the action reads them. */
function naming(inputs: Partial<RawInputs>, extra: Partial<Naming> = {}): Naming {
  const parsed = parseInputs({
    ...valid,
    diffs: '',
    discover: 'sql',
    'pr-table': '{name}',
    ...inputs
  });
  const { prodParams, prParams, prodTable, prTable } = parsed;
  return { prodParams, prParams, prodTable, prTable, prNumber: 42, ...extra };
}

/** The names of the first table `sql` declares. */
const named = (sql: string, with_: Naming) => nameTables(readSql(sql).tables[0].name, with_);

describe('nameTables', () => {
  it("fills the SDK's placeholders from each side's params", () => {
    expect(
      named(
        'CREATE OR REPLACE TABLE analytics.${target_schema}.dim_orgs AS SELECT 1',
        naming({
          'prod-params': '{"target_schema": "nc_default"}',
          'pr-params': '{"target_schema": "pr_42"}',
          'pr-table': ''
        })
      )
    ).toEqual({ prod: 'analytics.nc_default.dim_orgs', pr: 'analytics.pr_42.dim_orgs' });
  });

  it('names each placeholder without a value, and the input that lacks it', () => {
    expect(
      named(
        'create table ${db}.${schema}_${suffix}.t (x int)',
        naming({ 'prod-params': '{"db": "A", "schema": "S"}', 'pr-params': '{"db": "A"}' })
      )
    ).toEqual({
      problems: [
        '${suffix} has no value in "prod-params"',
        '${schema} has no value in "pr-params"',
        '${suffix} has no value in "pr-params"'
      ]
    });
  });

  it('splits at the dots a value brings, outside quotes only', () => {
    const split = naming({
      'prod-params': '{"target": "db.core"}',
      'pr-params': '{"target": "db.pr_42"}',
      'pr-table': '{catalog}|{schema}|{table}'
    });
    expect(named('create table ${target}.orders (x int)', split)).toEqual({
      prod: 'db.core.orders',
      pr: 'db|pr_42|orders'
    });
    expect(
      named('create table "${target}".orders (x int)', {
        ...split,
        prTable: undefined
      })
    ).toEqual({ prod: 'db.core.orders', pr: 'db.pr_42.orders' });
  });

  it('shapes names with templates: parts from the end, the PR number', () => {
    const templates = naming({
      'prod-table': '{name}',
      'pr-table': '{catalog}.{schema}_pr_{pr}.{table}'
    });
    expect(named('create table ANALYTICS.CORE.ORDERS (x int)', templates)).toEqual({
      prod: 'ANALYTICS.CORE.ORDERS',
      pr: 'ANALYTICS.CORE_pr_42.ORDERS'
    });
    // The last three parts of a longer name.
    expect(named('create table a.b.c.d (x int)', templates)).toEqual({
      prod: 'a.b.c.d',
      pr: 'b.c_pr_42.d'
    });
  });

  it('says which part a template needs that the name lacks', () => {
    expect(
      named(
        'create table core.orders (x int)',
        naming({ 'pr-table': '{catalog}.{schema}_pr.{table}' })
      )
    ).toEqual({
      problems: [
        '"pr-table" ({catalog}.{schema}_pr.{table}) uses {catalog}, but core.orders has no catalog part'
      ]
    });
  });

  it("puts SQLMesh's PR table in the environment: schema__ENV, the catalog kept", () => {
    const sqlmesh = naming(
      { discover: 'sqlmesh', 'pr-table': '' },
      { sqlmeshEnvironment: 'repo_42' }
    );
    expect(named('create table sushi.orders (x int)', sqlmesh)).toEqual({
      prod: 'sushi.orders',
      pr: 'sushi__repo_42.orders'
    });
    expect(named('create table cat.sushi.orders (x int)', sqlmesh)).toEqual({
      prod: 'cat.sushi.orders',
      pr: 'cat.sushi__repo_42.orders'
    });
    expect(named('create table orders (x int)', sqlmesh)).toEqual({
      problems: [
        'orders has no schema, so it has no table in SQLMesh\'s environment "repo_42": name the model schema.table, or set "pr-table"'
      ]
    });
    // environment_suffix_target: table, through a template.
    expect(
      named('create table sushi.orders (x int)', {
        ...sqlmesh,
        prTable: naming({ 'pr-table': '{schema}.{table}__repo_{pr}' }).prTable
      })
    ).toEqual({ prod: 'sushi.orders', pr: 'sushi.orders__repo_42' });
  });
});

describe('sqlmeshEnvironment', () => {
  it.each([
    // SQLMesh's bot: the repository's name and the PR number, sanitised.
    ['', 'datafold-ci-action', 7, 'datafold_ci_action_7'],
    ['', 'My.Repo', 12, 'my_repo_12'],
    // Given: sanitised as SQLMesh sanitises every environment name.
    ['Feature-Env', 'repo', 1, 'feature_env'],
    ['pr_ÉTÉ_42', 'repo', 1, 'pr_été_42'],
    ['dev', 'repo', 1, 'dev']
  ])('%j for %s #%d is %s', (given, repository, prNumber, expected) => {
    expect(sqlmeshEnvironment(given, repository, prNumber)).toBe(expected);
  });
});
