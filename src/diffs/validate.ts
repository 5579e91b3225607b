/**
 * Validation and normalisation of the diffs file (docs/diffs-file.md). Pure: text in,
 * normalised entries and located problems out, so the caller can annotate every
 * mistake at once and send nothing to Datafold when there is any error.
 *
 * The document is checked while jsonc-parser streams it (`visit`), not on a `parseTree`
 * tree: for a 100,000-entry file that tree is over a million linked nodes and takes
 * longer to build than this whole validation takes when streaming. Parsing first
 * (JSON.parse, a zod schema, locating only when there are problems) was measured too: it
 * still needs a streaming pass for duplicate keys and nesting, is no shorter, and is
 * slower on files with comments or problems.
 */
import { printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import { cutList, NAMED_ITEMS } from '../runtime/lists.js';

export interface DiffEntry {
  prod: string;
  pr: string;
  pk: string[] | null;
  include_columns: string[];
  exclude_columns: string[];
}

/** 1-based line and column of the offending value (or key, for key problems). */
export interface DiffProblem {
  line: number;
  column: number;
  message: string;
}

interface DiffsValidation {
  entries: DiffEntry[];
  errors: DiffProblem[];
  warnings: DiffProblem[];
}

export function formatProblem(file: string, problem: DiffProblem): string {
  return `${file}:${problem.line}:${problem.column}: ${problem.message}`;
}

const KNOWN_KEYS = ['prod', 'pr', 'pk', 'include_columns', 'exclude_columns'] as const;
type Key = (typeof KNOWN_KEYS)[number];
type TableKey = 'prod' | 'pr';
type ListKey = 'pk' | 'include_columns' | 'exclude_columns';

const TABLE_HINTS: Record<TableKey, string> = {
  prod: 'the production table, e.g. "ANALYTICS.PROD.ORDERS"',
  pr: 'the PR table, e.g. "ANALYTICS.PR_SCHEMA.ORDERS"'
};
const REQUIRED_HINTS: Record<TableKey | 'pk', string> = {
  ...TABLE_HINTS,
  pk: 'the primary key columns, e.g. ["ORDER_ID"], or [] or null when there is none'
};
const LIST_ACCEPTS: Record<ListKey, string> = {
  pk: 'an array of column names or null',
  include_columns: 'an array of column names (leave the key out or use [] for none)',
  exclude_columns: 'an array of column names (leave the key out or use [] for none)'
};

/**
 * Names people plausibly reach for that edit distance alone would not catch. A Map, so
 * that a key like "constructor" cannot find an Object.prototype member.
 */
const KEY_ALIASES = new Map<string, Key>([
  ['primarykey', 'pk'],
  ['primarykeys', 'pk'],
  ['include', 'include_columns'],
  ['exclude', 'exclude_columns']
]);

// Comments and trailing commas: Datafold's own documentation example has `//` comments.
const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false };

// Keyed by code name because ParseErrorCode is an ambient const enum, which
// `isolatedModules` cannot read; the Record type keeps the table exhaustive.
const SYNTAX_MESSAGES: Record<ReturnType<typeof printParseErrorCode>, string> = {
  InvalidSymbol: 'unexpected character or word (strings need double quotes)',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a key in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected a colon after the key',
  CommaExpected: 'expected a comma or closing bracket',
  CloseBraceExpected: 'expected a comma or closing brace }',
  CloseBracketExpected: 'expected a comma or closing bracket ]',
  EndOfFileExpected: 'unexpected text after the end of the top-level value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated /* comment',
  UnexpectedEndOfString: 'unterminated string (missing closing double quote)',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape in string',
  InvalidEscapeCharacter: 'invalid escape sequence in string (write a backslash as \\\\)',
  InvalidCharacter: 'control character in string (escape tabs and newlines as \\t and \\n)',
  '<unknown ParseErrorCode>': 'syntax error'
};

type ValueType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** A value as the parser reports it; containers carry only their type and offset. */
interface Value {
  type: ValueType;
  offset: number;
  value?: unknown;
}

const TYPE_DESCRIPTIONS: Record<ValueType, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null'
};

/** A problem before it is placed: located by character offset into the text. */
interface Finding {
  offset: number;
  message: string;
}

class Report {
  readonly errors: Finding[] = [];
  readonly warnings: Finding[] = [];

  error(offset: number, message: string): void {
    this.errors.push({ offset, message });
  }

  warn(offset: number, message: string): void {
    this.warnings.push({ offset, message });
  }
}

export function validateDiffs(text: string): DiffsValidation {
  // Offsets (and so columns) are taken on the text without the BOM, as editors show it.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const checker = new DiffsChecker();
  const syntaxErrors: ParseError[] = [];
  let tooDeep: TooDeep | undefined;
  try {
    visit(
      source,
      {
        onObjectBegin: (offset) => checker.begin('object', offset),
        onArrayBegin: (offset) => checker.begin('array', offset),
        onObjectEnd: () => checker.end(),
        onArrayEnd: () => checker.end(),
        onObjectProperty: (key, offset) => checker.property(key, offset),
        onLiteralValue: (value, offset) => checker.literal(value, offset),
        onError: (error, offset, length) => syntaxErrors.push({ error, offset, length })
      },
      PARSE_OPTIONS
    );
  } catch (error) {
    if (!(error instanceof TooDeep)) throw error;
    tooDeep = error;
  }

  if (syntaxErrors.length === 0 && !tooDeep) {
    return { entries: checker.entries, ...placeAll(source, checker.report) };
  }
  const report = new Report();
  if (!checker.sawValue && isMissingValueAtEnd(syntaxErrors, source.length)) {
    report.error(0, 'the diffs are empty: expected a JSON array of diff entries');
  } else {
    // What the parser recovers around a syntax error is a guess; checking it would add
    // misleading follow-on errors, so report the syntax errors only.
    for (const { error, offset } of syntaxErrors) {
      report.error(offset, `invalid JSON: ${SYNTAX_MESSAGES[printParseErrorCode(error)]}`);
    }
    if (tooDeep) {
      report.error(
        tooDeep.offset,
        `nested deeper than ${MAX_DEPTH} levels: a diffs file needs 3 (the array, its entries, their column lists); check the brackets from here`
      );
    }
  }
  return { entries: [], ...placeAll(source, report) };
}

/** Nothing but whitespace and comments: jsonc-parser then only misses a value at the end. */
function isMissingValueAtEnd(errors: ParseError[], length: number): boolean {
  return (
    errors.length === 1 &&
    printParseErrorCode(errors[0].error) === 'ValueExpected' &&
    errors[0].offset === length
  );
}

const MAX_DEPTH = 32;

/** Thrown out of the parser at the bracket that opens one level too many. */
class TooDeep {
  constructor(readonly offset: number) {}
}

/** The top-level array: counts its elements to number the entries. */
class DiffsArray {
  count = 0;
  constructor(readonly offset: number) {}
}

/** What the innermost open container is checked as; undefined: its content is not checked. */
type Frame = DiffsArray | EntryChecker | ColumnList | undefined;

/** Follows the parser's events, keeping only the state of the containers it is inside. */
class DiffsChecker {
  readonly report = new Report();
  readonly entries: DiffEntry[] = [];
  sawValue = false;
  private readonly stack: Frame[] = [];
  // First entry number per prod/pr pair, to name it when the pair comes again.
  private readonly firstWithTables = new Map<string, number>();

  // Never returns false to make the parser skip a container: it would then also hold
  // back the syntax errors inside it.
  begin(type: 'object' | 'array', offset: number): void {
    // jsonc-parser recurses once per level: stop it long before the call stack runs out.
    if (this.stack.length === MAX_DEPTH) throw new TooDeep(offset);
    this.stack.push(this.value({ type, offset }));
  }

  end(): void {
    const frame = this.stack.pop();
    if (frame instanceof DiffsArray && frame.count === 0) {
      this.report.warn(
        frame.offset,
        'the diffs array is empty: Datafold will be told there is nothing to diff'
      );
    } else if (frame instanceof EntryChecker) {
      this.endEntry(frame);
    }
  }

  property(key: string, offset: number): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame instanceof EntryChecker) frame.property(key, offset);
  }

  literal(value: unknown, offset: number): void {
    const type = value === null ? 'null' : (typeof value as 'string' | 'number' | 'boolean');
    this.value({ type, offset, value });
  }

  /** Checks a value where it stands; returns the frame for its content, if it is checked. */
  private value(value: Value): Frame {
    this.sawValue = true;
    if (this.stack.length === 0) return this.topLevel(value);
    const parent = this.stack[this.stack.length - 1];
    if (parent instanceof DiffsArray) return this.element(parent, value);
    if (parent instanceof EntryChecker) return parent.value(value);
    parent?.item(value); // a column list, or a container whose content is not checked
    return undefined;
  }

  private topLevel(value: Value): Frame {
    if (value.type === 'array') return new DiffsArray(value.offset);
    const hint = value.type === 'object' ? ' (put a single entry inside [ ])' : '';
    this.report.error(
      value.offset,
      `the top level must be an array of diff entries, found ${describe(value)}${hint}`
    );
    return undefined;
  }

  private element(diffs: DiffsArray, value: Value): Frame {
    const number = ++diffs.count;
    if (value.type === 'object') return new EntryChecker(number, value.offset, this.report);
    this.report.error(
      value.offset,
      `entry ${number}: expected an object with "prod", "pr" and "pk", found ${describe(value)}`
    );
    return undefined;
  }

  private endEntry(entry: EntryChecker): void {
    entry.finish();
    const { prod, pr } = entry;
    if (prod !== undefined && pr !== undefined) {
      const tables = `${prod.length}:${prod}${pr}`; // length-prefixed: unambiguous, cheap
      const first = this.firstWithTables.get(tables);
      if (first === undefined) this.firstWithTables.set(tables, entry.number);
      else
        this.report.error(entry.offset, `${entry.label}: same "prod" and "pr" as entry ${first}`);
    }
    // Only entries that passed every check are kept; callers submit nothing on errors anyway.
    if (this.report.errors.length === entry.errorsBefore) this.entries.push(entry.normalised());
  }
}

/** Checks one entry object as its keys and values stream by. */
class EntryChecker {
  readonly errorsBefore: number;
  prod?: string;
  pr?: string;
  private prOffset = 0;
  private pending: Key | undefined; // the known key whose value comes next
  private readonly keys = new Set<string>();
  // A list is recorded when its value is an array; pk is null when given as null.
  private readonly lists: {
    pk?: ColumnList | null;
    include_columns?: ColumnList;
    exclude_columns?: ColumnList;
  } = {};

  constructor(
    readonly number: number,
    readonly offset: number,
    private readonly report: Report
  ) {
    this.errorsBefore = report.errors.length;
  }

  // Built on demand: most entries never need it, and a large file has many entries.
  get label(): string {
    return `entry ${this.number}`;
  }

  property(key: string, offset: number): void {
    this.pending = undefined;
    if (this.keys.has(key)) {
      // JSON parsers silently keep one of the two values; almost always a copy-paste slip.
      this.report.error(offset, `${this.label}: duplicate key ${quote(key)} (give each key once)`);
      return;
    }
    this.keys.add(key);
    if (isKnownKey(key)) this.pending = key;
    else this.report.error(offset, unknownKeyMessage(this.label, key));
  }

  /** Checks the value of the key just read; returns the list frame for a column list. */
  value(value: Value): ColumnList | undefined {
    const key = this.pending;
    this.pending = undefined;
    if (key === undefined) return undefined; // the key was already reported
    if (key === 'prod' || key === 'pr') {
      this.table(key, value);
      return undefined;
    }
    if (key === 'pk' && value.type === 'null') {
      this.lists.pk = null;
      return undefined;
    }
    if (value.type !== 'array') {
      // A lone string is the usual slip for a one-column list: show the fix.
      const hint = isNonEmptyString(value)
        ? ` (did you mean ${JSON.stringify([value.value])}?)`
        : '';
      this.report.error(
        value.offset,
        `${this.label}: ${quote(key)} must be ${LIST_ACCEPTS[key]}, found ${describe(value)}${hint}`
      );
      return undefined;
    }
    const list = new ColumnList(this, key, value.offset, this.report);
    this.lists[key] = list;
    return list;
  }

  /** The checks that need the whole entry. */
  finish(): void {
    for (const key of ['prod', 'pr', 'pk'] as const) {
      if (!this.keys.has(key)) {
        this.report.error(
          this.offset,
          `${this.label}: ${quote(key)} is required (${REQUIRED_HINTS[key]})`
        );
      }
    }
    const { include_columns: include, exclude_columns: exclude } = this.lists;
    if (include?.columns.size && exclude?.columns.size) {
      this.report.warn(exclude.offset, bothListsMessage(this.label, include, exclude));
    }
    if (this.prod !== undefined && this.prod === this.pr) {
      this.report.warn(
        this.prOffset,
        `${this.label}: "prod" and "pr" are the same table, the diff will find no differences`
      );
    }
  }

  /** Only called for entries without errors, where every required field is present. */
  normalised(): DiffEntry {
    const { pk, include_columns, exclude_columns } = this.lists;
    return {
      prod: this.prod as string,
      pr: this.pr as string,
      pk: pk === null ? null : names(pk),
      include_columns: names(include_columns),
      exclude_columns: names(exclude_columns)
    };
  }

  private table(key: TableKey, value: Value): void {
    if (!isNonEmptyString(value)) {
      this.report.error(
        value.offset,
        `${this.label}: ${quote(key)} must be a non-empty string (${TABLE_HINTS[key]}), found ${describe(value)}`
      );
      return;
    }
    this[key] = value.value;
    if (key === 'pr') this.prOffset = value.offset;
  }
}

/** Checks the items of a column list as they stream by. */
class ColumnList {
  /** Each valid column name, first occurrence only, in document order. */
  readonly columns = new Set<string>();
  private count = 0;

  constructor(
    private readonly entry: EntryChecker,
    private readonly key: ListKey,
    readonly offset: number,
    private readonly report: Report
  ) {}

  /** E.g. `entry 2: "pk"`, built only for a message. */
  private get subject(): string {
    return `${this.entry.label}: ${quote(this.key)}`;
  }

  item(value: Value): void {
    this.count++;
    if (!isNonEmptyString(value)) {
      this.report.error(
        value.offset,
        `${this.subject} item ${this.count} must be a non-empty string, found ${describe(value)}`
      );
    } else if (this.columns.has(value.value)) {
      this.report.error(value.offset, `${this.subject} has ${quote(value.value)} twice`);
    } else {
      this.columns.add(value.value);
    }
  }
}

function names(list: ColumnList | undefined): string[] {
  return list ? [...list.columns] : [];
}

/** Datafold's API reference: `exclude_columns` is "ignored if include_columns is set". */
function bothListsMessage(label: string, include: ColumnList, exclude: ColumnList): string {
  const shared = [...exclude.columns].filter((column) => include.columns.has(column)).map(quote);
  const inBoth =
    shared.length === 0
      ? ''
      : shared.length === 1
        ? ` (${shared[0]} is in both lists)`
        : shared.length <= NAMED_ITEMS
          ? ` (${shared.slice(0, -1).join(', ')} and ${shared.at(-1)} are in both lists)`
          : ` (${cutList(shared)} are in both lists)`;
  return (
    `${label}: Datafold ignores "exclude_columns" when "include_columns" is set, so only the ` +
    `columns in "include_columns" are compared${inBoth}; leave "exclude_columns" out to say what Datafold does`
  );
}

function isKnownKey(key: string): key is Key {
  return (KNOWN_KEYS as readonly string[]).includes(key);
}

function unknownKeyMessage(label: string, key: string): string {
  const suggestion = suggestKey(key);
  const hint = suggestion
    ? `did you mean ${quote(suggestion)}?`
    : `accepted keys: ${KNOWN_KEYS.map(quote).join(', ')}`;
  return `${label}: unknown key ${quote(key)} (${hint})`;
}

/**
 * The known key an unknown one was probably meant to be: same name in another case or
 * with `-` for `_`, a plural/singular slip, a few typos, or a common alias. Typos must
 * be under half the known key's length, so short keys like "id" are not read as "pk".
 */
function suggestKey(key: string): Key | undefined {
  const folded = key.toLowerCase().replace(/[-\s]/g, '_');
  let best: Key | undefined;
  let bestDistance = Infinity;
  for (const known of KNOWN_KEYS) {
    if (folded === known || folded === `${known}s` || `${folded}s` === known) return known;
    const distance = levenshtein(folded, known);
    if (distance <= 3 && distance * 2 < known.length && distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best ?? KEY_ALIASES.get(folded.replace(/_/g, ''));
}

function levenshtein(a: string, b: string): number {
  // Short-circuit: the distance is at least the length difference, and keys can be long.
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

function isNonEmptyString(value: Value): value is Value & { value: string } {
  return typeof value.value === 'string' && value.value.trim() !== '';
}

function describe(value: Value): string {
  if (value.type !== 'string' || isNonEmptyString(value)) return TYPE_DESCRIPTIONS[value.type];
  return value.value === '' ? 'an empty string' : 'a blank string';
}

function quote(value: string): string {
  return JSON.stringify(value);
}

/** The line and column of `offset` in `text`, counted as validateDiffs counts them. */
export function locate(text: string, offset: number): { line: number; column: number } {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  return lineLocator(text.slice(bom))(offset - bom);
}

/** Sorts findings into document order and gives each its line and column. */
function placeAll(source: string, report: Report): Pick<DiffsValidation, 'errors' | 'warnings'> {
  const locate = lineLocator(source);
  // Stable sort: among findings at one offset (an entry's brace), check order is kept.
  const place = (findings: Finding[]): DiffProblem[] =>
    [...findings]
      .sort((a, b) => a.offset - b.offset)
      .map(({ offset, message }) => ({ ...locate(offset), message }));
  return { errors: place(report.errors), warnings: place(report.warnings) };
}

/**
 * Maps an offset to a 1-based line and column. Line starts are found once and searched
 * by bisection, so placing many problems in a large file stays fast. Line breaks are
 * `\n`, `\r\n` and a lone `\r`, as jsonc-parser counts them; columns count UTF-16 units.
 * The table is only built when there is something to place.
 */
function lineLocator(text: string): (offset: number) => { line: number; column: number } {
  let lineStarts: number[] | undefined;
  return (offset) => {
    lineStarts ??= findLineStarts(text);
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low] + 1 };
  };
}

function findLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}
