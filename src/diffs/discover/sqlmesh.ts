/**
 * `discover: sqlmesh`: the model a SQLMesh SQL file declares (docs/discovery.md). Pure.
 *
 * A model file opens, after comments and blank lines, with a `MODEL (...)` block of
 * properties: `name` is the production table; `grain` (a column, or a parenthesised list of
 * them) is its primary key, else the first of `grains` (`grains ((a, b), c)` gives a, b).
 * Whatever follows the block (`AUDIT (...)`, the query, a `CREATE` in it) declares nothing.
 */
import { SqlLexer } from './lexer.js';
import { lineCounter } from './lines.js';
import { readName, type NamePart } from './sql.js';

export type SqlmeshReading =
  | { kind: 'model'; line: number; name: NamePart[]; pk: string[] }
  /** A macro, an audit, a Python model: no `MODEL (...)` first. */
  | { kind: 'not-a-model' }
  /** A `MODEL (...)` with no readable `name`, at the block's line. */
  | { kind: 'no-name'; line: number }
  /** The block never ends: the text ends inside it (opened on `line`), or inside what opened on `line`. */
  | { kind: 'unterminated'; what: string; line: number };

export function readSqlmeshModel(text: string): SqlmeshReading {
  const lexer = new SqlLexer(text);
  lexer.next();
  if (!lexer.isWord('MODEL')) return { kind: 'not-a-model' };
  const lineOf = lineCounter(text);
  const modelLine = lineOf(lexer.start);
  lexer.next();
  if (!lexer.isPunct('(')) return { kind: 'not-a-model' };
  lexer.next();
  let name: { line: number; parts: NamePart[] } | undefined;
  let grain: string[] | undefined;
  let grains: string[] | undefined;
  while (lexer.kind() !== 'end' && !lexer.isPunct(')')) {
    const key = lexer.kind() === 'word' ? lexer.upper() : '';
    lexer.next();
    if (key === 'NAME') {
      const line = lineOf(lexer.start);
      const parts = readName(lexer);
      if (parts) name = { line, parts };
    } else if (key === 'GRAIN') {
      grain = readItems(lexer).flat();
    } else if (key === 'GRAINS') {
      grains = readItems(lexer)[0];
    }
    skipValue(lexer);
    if (lexer.isPunct(',')) lexer.next();
  }
  if (lexer.kind() === 'end') {
    const { unterminated } = lexer;
    if (!unterminated) return { kind: 'unterminated', what: 'MODEL block', line: modelLine };
    return { kind: 'unterminated', what: unterminated.what, line: lineOf(unterminated.offset) };
  }
  if (!name) return { kind: 'no-name', line: modelLine };
  return { kind: 'model', line: name.line, name: name.parts, pk: grain ?? grains ?? [] };
}

const opens = (lexer: SqlLexer) => lexer.isPunct('(') || lexer.isPunct('[');
const closes = (lexer: SqlLexer) => lexer.isPunct(')') || lexer.isPunct(']');

/**
 * A property's value as a list of items, each the columns it names: `a` is [[a]],
 * `(a, b)` is [[a], [b]], `((a, b), c)` and `([a, b], c)` are [[a, b], [c]].
 */
function readItems(lexer: SqlLexer): string[][] {
  if (!opens(lexer)) {
    const column = lexer.identifier();
    return column === undefined ? [] : [[column]];
  }
  const items: string[][] = [];
  lexer.next();
  while (lexer.kind() !== 'end' && !closes(lexer)) {
    if (opens(lexer)) {
      items.push(readItems(lexer).map((columns) => columns[0]));
    } else {
      const column = lexer.identifier();
      if (column !== undefined) items.push([column]);
      lexer.next();
    }
    skipValue(lexer);
    if (lexer.isPunct(',')) lexer.next();
  }
  if (closes(lexer)) lexer.next();
  return items;
}

/** Skips the rest of a value: up to a `,` or a closing bracket at its own depth. */
function skipValue(lexer: SqlLexer): void {
  let depth = 0;
  while (lexer.kind() !== 'end') {
    if (opens(lexer)) depth++;
    else if (closes(lexer)) {
      if (depth === 0) return;
      depth--;
    } else if (depth === 0 && lexer.isPunct(',')) return;
    lexer.next();
  }
}
