import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readSqlmeshModel } from '../src/diffs/discover/sqlmesh.js';

const file = (...lines: string[]): string => lines.join('\n');

/** A model as `line: name [pk]`, or what else the file is. */
function model(text: string): string {
  const reading = readSqlmeshModel(text);
  if (reading.kind !== 'model') return JSON.stringify(reading);
  const name = reading.name.map((part) => part.text).join('.');
  return `${reading.line}: ${name} [${reading.pk.join(', ')}]`;
}

describe('readSqlmeshModel', () => {
  it.each([
    ['a one-column grain', file('MODEL (', '  name db.t,', '  grain id', ');'), '2: db.t [id]'],
    [
      'a parenthesised grain',
      file('MODEL (name db.t, grain (a, b));', 'SELECT 1'),
      '1: db.t [a, b]'
    ],
    ['a bracketed grain', 'MODEL (name db.t, grain [a, b]);', '1: db.t [a, b]'],
    [
      'the first of grains, a tuple',
      file('MODEL (', '  name db.t,', '  grains ((id, event_date), other)', ');'),
      '2: db.t [id, event_date]'
    ],
    ['the first of grains, an array', 'MODEL (name db.t, grains ([a, b], c));', '1: db.t [a, b]'],
    ['the first of grains, a column', 'MODEL (name db.t, grains (a, b));', '1: db.t [a]'],
    ['grain wins over grains', 'MODEL (name db.t, grains (x), grain y);', '1: db.t [y]'],
    ['no grain', 'MODEL (name db.t, kind FULL);', '1: db.t []'],
    [
      'comments and blank lines first, lower case, nested properties and strings',
      file(
        '-- the orders',
        '/* more */',
        '',
        'model (',
        "  kind INCREMENTAL_BY_TIME_RANGE (time_column (ds, '%Y-%m-%d'), batch_size 10),",
        "  description 'name other.table, grain (wrong)',",
        '  name "Catalog".db.`Orders`,',
        '  grain "Order Id",',
        ');'
      ),
      '7: Catalog.db.Orders [Order Id]'
    ],
    [
      'blocks after the first add nothing',
      file(
        'MODEL (name db.t);',
        'AUDIT (name a, grain wrong);',
        'CREATE TABLE db.other AS SELECT 1;',
        'SELECT 1'
      ),
      '1: db.t []'
    ]
  ])('%s', (_, text, expected) => {
    expect(model(text)).toBe(expected);
  });

  it.each([
    ['a query', 'SELECT 1 FROM db.t'],
    ['an audit', file('AUDIT (', '  name assert_positive', ');', 'SELECT 1')],
    ['a macro file', file('@DEF(x, 1);', 'SELECT @x')],
    ['a CREATE first', 'CREATE TABLE db.t AS SELECT 1; MODEL (name db.u);'],
    ['MODEL without its block', 'MODEL name db.t'],
    ['an empty file', '']
  ])('%s is no model', (_, text) => {
    expect(readSqlmeshModel(text)).toEqual({ kind: 'not-a-model' });
  });

  it('says when the block has no name, at its line', () => {
    expect(readSqlmeshModel(file('', 'MODEL (', '  kind FULL', ');'))).toEqual({
      kind: 'no-name',
      line: 2
    });
  });

  it.each([
    ['MODEL block', file('-- orders', 'MODEL (', '  name db.t,', '  grain id'), 2],
    ['string', file('MODEL (', "  description 'never closed,", '  name db.t', ');'), 2]
  ])('says when the %s never ends', (what, text, line) => {
    expect(readSqlmeshModel(text)).toEqual({ kind: 'unterminated', what, line });
  });
});

/** SQLMesh's "sushi" example project (__fixtures__/discover/sqlmesh/NOTICE.txt). */
const sushi = (name: string) =>
  readFileSync(new URL(`../__fixtures__/discover/sqlmesh/${name}`, import.meta.url), 'utf8');

describe('readSqlmeshModel on the sushi example', () => {
  it.each([
    ['models/active_customers.sql', '2: sushi.active_customers [customer_id]'],
    [
      'models/customer_revenue_by_day.sql',
      '3: sushi.customer_revenue_by_day [customer_id, event_date]'
    ],
    [
      'models/customer_revenue_lifetime.sql',
      '7: sushi.customer_revenue_lifetime [customer_id, event_date]'
    ],
    // Its query creates a view: that adds nothing.
    ['models/customers.sql', '2: sushi.customers [customer_id]'],
    ['models/latest_order.sql', '2: sushi.latest_order []'],
    ['models/marketing.sql', '2: sushi.marketing [customer_id]'],
    ['models/top_waiters.sql', '3: sushi.top_waiters [waiter_id]'],
    ['models/waiter_as_customer_by_day.sql', '2: sushi.waiter_as_customer_by_day []'],
    // Audits follow the model block.
    ['models/waiter_names.sql', '2: sushi.waiter_names [id]'],
    ['models/waiter_revenue_by_day.sql', '3: sushi.waiter_revenue_by_day [waiter_id, event_date]'],
    ['models/waiters.py', '{"kind":"not-a-model"}'],
    ['audits/items.sql', '{"kind":"not-a-model"}']
  ])('%s', (name, expected) => {
    expect(model(sushi(name))).toBe(expected);
  });
});
