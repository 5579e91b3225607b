/**
 * `discover: sql`: the tables a SQL file declares (docs/discovery.md). Pure: text in, tables
 * with their line and primary key out.
 *
 * Every statement `CREATE [OR REPLACE] [modifiers] TABLE | VIEW | MATERIALIZED VIEW
 * [IF NOT EXISTS] <name>` declares one, except with TEMP, TEMPORARY or VOLATILE among the
 * modifiers. Its primary key is the first of: a `datafold: pk=a,b` comment in the statement
 * or before it (since the previous `;`); any such comment in a file with exactly one table
 * (the SDK's reading); a `PRIMARY KEY (a, b)` table constraint; the columns declared
 * `PRIMARY KEY` inline; none.
 */
import { SqlLexer, type Unterminated } from './lexer.js';
import { lineCounter } from './lines.js';

/** One part of a dotted name, as written. */
export interface NamePart {
  text: string;
  /**
   * Whether dots in it separate parts once `${key}` placeholders are filled in: true for an
   * unquoted part and a backtick-quoted one (BigQuery's `project.dataset.table`).
   */
  splits: boolean;
}

export interface DeclaredTable {
  /** The line of its `CREATE`. */
  line: number;
  name: NamePart[];
  pk: string[];
}

export interface SqlReading {
  tables: DeclaredTable[];
  /** The text ends inside a comment, string or quoted identifier opened on this line. */
  unterminated?: { what: string; line: number };
}

/** Words that say a `CREATE` statement makes something other than a table or view. */
const NOT_A_TABLE = new Set([
  'ALERT',
  'APPLICATION',
  'DATABASE',
  'EXTENSION',
  'FORMAT',
  'FUNCTION',
  'INDEX',
  'INTEGRATION',
  'MACRO',
  'MODEL',
  'PIPE',
  'POLICY',
  'PROCEDURE',
  'ROLE',
  'SCHEMA',
  'SECRET',
  'SEQUENCE',
  'SHARE',
  'STAGE',
  'STREAM',
  'STREAMLIT',
  'TAG',
  'TASK',
  'TRIGGER',
  'TYPE',
  'USER',
  'WAREHOUSE'
]);
/** Modifiers of a table that ends with the session. */
const SESSION_ONLY = new Set(['TEMP', 'TEMPORARY', 'VOLATILE']);
/** How many modifiers a `CREATE` may have before the object kind (`OR REPLACE SECURE …`). */
const MAX_MODIFIERS = 8;
/** Words that open a table constraint or index in a column list: never a column. */
const NOT_A_COLUMN = new Set([
  'CHECK',
  'EXCLUDE',
  'FOREIGN',
  'FULLTEXT',
  'INDEX',
  'KEY',
  'LIKE',
  'PERIOD',
  'SPATIAL',
  'UNIQUE'
]);
/** Types whose `<…>` holds commas that do not separate columns (BigQuery, Databricks). */
const GENERIC_TYPES = new Set(['ARRAY', 'MAP', 'STRUCT']);

/** A `datafold: pk=a,b` comment, as the SDK reads it: the columns, comma separated. */
const PK_DIRECTIVE = /datafold\s*:\s*pk\s*=\s*([^\s,]+(?:\s*,\s*[^\s,]+)*)/i;

/** What one `CREATE` statement declares. */
interface Declaration {
  offset: number;
  name: NamePart[];
  /** From a `PRIMARY KEY` constraint, else the columns declared `PRIMARY KEY` inline. */
  keyColumns: string[];
  /** From a `datafold: pk=` comment in or before the statement. */
  commentPk?: string[];
}

export function readSql(text: string): SqlReading {
  const directives: Array<{ offset: number; columns: string[] }> = [];
  const lexer = new SqlLexer(text, (start, end) => {
    const match = PK_DIRECTIVE.exec(text.slice(start, end));
    if (match) directives.push({ offset: start, columns: pkColumns(match[1]) });
  });
  const declarations: Declaration[] = [];
  let read = 0; // directives already given to a statement
  lexer.next();
  while (lexer.kind() !== 'end') {
    const declaration = lexer.isWord('CREATE') ? readCreate(lexer) : undefined;
    while (lexer.kind() !== 'end' && !lexer.isPunct(';')) lexer.next();
    // Every comment up to the `;` has been seen: those since the previous `;` are this statement's.
    const mine = directives.slice(read);
    read = directives.length;
    if (declaration) {
      declaration.commentPk = mine[0]?.columns;
      declarations.push(declaration);
    }
    lexer.next();
  }
  const inFile = declarations.length === 1 ? directives[0]?.columns : undefined;
  const lineOf = lineCounter(text);
  return {
    tables: declarations.map(({ offset, name, commentPk, keyColumns }) => ({
      line: lineOf(offset),
      name,
      pk: commentPk ?? inFile ?? keyColumns
    })),
    ...(lexer.unterminated && { unterminated: placed(lexer.unterminated, lineOf) })
  };
}

function placed({ what, offset }: Unterminated, lineOf: (offset: number) => number) {
  return { what, line: lineOf(offset) };
}

/** The columns of a `pk=` list: quotes around a name are dropped. */
function pkColumns(list: string): string[] {
  return list
    .split(',')
    .map((column) => column.trim().replace(/^(["`[])(.*)["`\]]$/, '$2'))
    .filter(Boolean);
}

/**
 * Reads a `CREATE` statement's head, the lexer on `CREATE`; undefined when it declares no
 * table (another object, a temporary table). Leaves the lexer inside the statement.
 */
function readCreate(lexer: SqlLexer): Declaration | undefined {
  const offset = lexer.start;
  lexer.next();
  if (lexer.isWord('OR')) {
    lexer.next(); // REPLACE, or Snowflake's ALTER
    if (lexer.kind() === 'word') lexer.next();
  }
  let sessionOnly = false;
  for (let modifiers = 0; ; modifiers++) {
    if (lexer.kind() !== 'word' || modifiers > MAX_MODIFIERS) return undefined;
    const word = lexer.upper();
    lexer.next();
    if (word === 'TABLE') {
      if (lexer.isWord('FUNCTION')) return undefined;
      break;
    }
    if (word === 'VIEW') break;
    if (NOT_A_TABLE.has(word)) return undefined;
    if (SESSION_ONLY.has(word)) sessionOnly = true;
  }
  if (sessionOnly) return undefined;
  if (lexer.isWord('IF')) {
    for (const word of ['IF', 'NOT', 'EXISTS']) if (lexer.isWord(word)) lexer.next();
  }
  const name = readName(lexer);
  if (!name) return undefined;
  const keyColumns = lexer.isPunct('(') ? readColumnKeys(lexer) : [];
  return { offset, name, keyColumns };
}

/**
 * A dotted name at the lexer, each part a word or a quoted identifier; the lexer is left on
 * the token after it. Undefined when there is none.
 */
export function readName(lexer: SqlLexer): NamePart[] | undefined {
  const parts: NamePart[] = [];
  for (;;) {
    lexer.bracketed();
    lexer.joinDashes();
    const text = lexer.identifier();
    if (text === undefined) return undefined;
    parts.push({ text, splits: lexer.kind() === 'word' || lexer.quote() === '`' });
    lexer.next();
    if (!lexer.isPunct('.')) return parts;
    lexer.next();
  }
}

/** One token of a column list element, at the element's own depth. */
type ElementToken = { upper: string; identifier?: string } | { group: string[] };

/**
 * The primary key declared in a column list, the lexer on its `(`: a `PRIMARY KEY (a, b)`
 * constraint, else the columns declared `PRIMARY KEY` inline. Leaves the lexer after the `)`.
 */
function readColumnKeys(lexer: SqlLexer): string[] {
  let constraint: string[] | undefined;
  const inline: string[] = [];
  let element: ElementToken[] = [];
  const finish = () => {
    const keys = elementKeys(element);
    if (keys?.constraint) constraint ??= keys.constraint;
    if (keys?.inline) inline.push(keys.inline);
    element = [];
  };
  let angles = 0;
  lexer.next();
  // A `;` ends the statement whatever the parentheses say.
  while (lexer.kind() !== 'end' && !lexer.isPunct(';')) {
    if (lexer.isPunct(')')) {
      finish();
      lexer.next();
      break;
    }
    if (lexer.isPunct(',') && angles === 0) {
      finish();
    } else if (lexer.isPunct('(')) {
      element.push({ group: readGroup(lexer) });
      continue;
    } else if (lexer.isPunct('<') && isGeneric(element.at(-1))) {
      angles++;
    } else if (lexer.isPunct('>') && angles > 0) {
      angles--;
    } else {
      if (element.length === 0) lexer.bracketed();
      const identifier = lexer.identifier();
      element.push({ upper: lexer.kind() === 'word' ? lexer.upper() : '', identifier });
    }
    lexer.next();
  }
  return constraint ?? inline;
}

const isGeneric = (token: ElementToken | undefined) =>
  token !== undefined && 'upper' in token && GENERIC_TYPES.has(token.upper);

/** What one element of a column list says of the primary key. */
function elementKeys(
  element: ElementToken[]
): { constraint?: string[]; inline?: string } | undefined {
  const word = (i: number) => {
    const token = element[i];
    return token && 'upper' in token ? token.upper : '';
  };
  const head = word(0) === 'CONSTRAINT' ? 2 : 0;
  if (word(head) === 'PRIMARY' && word(head + 1) === 'KEY') {
    const group = element.slice(head + 2).find((token) => 'group' in token);
    return group && 'group' in group ? { constraint: group.group } : undefined;
  }
  if (head > 0 || NOT_A_COLUMN.has(word(0))) return undefined;
  const first = element[0];
  const column = first && 'identifier' in first ? first.identifier : undefined;
  if (column === undefined) return undefined;
  for (let i = 1; i < element.length - 1; i++) {
    if (word(i) === 'PRIMARY' && word(i + 1) === 'KEY') return { inline: column };
  }
  return undefined;
}

/**
 * A parenthesised group at the lexer: the first name of each of its comma-separated items
 * (a key's columns; `name(10)` and `name DESC` give `name`). Leaves the lexer after its `)`.
 */
function readGroup(lexer: SqlLexer): string[] {
  const names: string[] = [];
  let depth = 0;
  let itemStart = true;
  lexer.next();
  while (lexer.kind() !== 'end' && !lexer.isPunct(';')) {
    if (lexer.isPunct('(')) {
      depth++;
    } else if (lexer.isPunct(')')) {
      if (depth === 0) {
        lexer.next();
        break;
      }
      depth--;
    } else if (depth === 0 && lexer.isPunct(',')) {
      itemStart = true;
    } else if (depth === 0 && itemStart) {
      lexer.bracketed();
      const name = lexer.identifier();
      if (name !== undefined) names.push(name);
      itemStart = false;
    }
    lexer.next();
  }
  return names;
}
