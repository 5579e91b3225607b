/**
 * A SQL lexer for discovery: it tells code from comments, strings and quoted identifiers, in
 * the dialects data teams write (Snowflake, BigQuery, Postgres, Redshift, Databricks), and
 * nothing more. It never allocates a token: the reader asks for the text of the few tokens
 * it needs (a statement's first words, a table's name, a column list), so a long query body
 * costs one pass over its characters.
 *
 * What is not code:
 * - `-- …` and `// …` (Snowflake) to the end of the line; `# …` (BigQuery, MySQL, Databricks)
 *   when it starts a line or is followed by a blank, so that Postgres' `#>` and `#>>`
 *   operators stay code;
 * - `/* … *\/`, not nested (Snowflake, BigQuery, Redshift);
 * - strings: `'…'` (`''` or a backslash escapes a quote), BigQuery's `'''…'''` and `"""…"""`,
 *   and dollar-quoted bodies `$$…$$` and `$tag$…$tag$` (Snowflake and Postgres procedures);
 * - quoted identifiers `"…"` (a string in BigQuery and Databricks: either way not code) and
 *   `` `…` ``; `[…]` only where a name is expected ({@link SqlLexer.bracketed}), since
 *   elsewhere a bracket is an array.
 * A word may hold `$` (Snowflake's `system$wait`) and `${key}` placeholders (the SDK's).
 */

export type TokenKind = 'word' | 'quoted' | 'string' | 'punct' | 'end';

/** Where a comment, string or quoted identifier opened that the text never closes. */
export interface Unterminated {
  what: string;
  offset: number;
}

const enum Char {
  Tab = 9,
  LineFeed = 10,
  CarriageReturn = 13,
  Space = 32,
  DoubleQuote = 34,
  Hash = 35,
  Dollar = 36,
  Quote = 39,
  Asterisk = 42,
  Dash = 45,
  Slash = 47,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  Backtick = 96,
  OpenBrace = 123,
  CloseBrace = 125
}

/** Longest `${key}` placeholder read as one; a longer one is no placeholder. */
const MAX_PLACEHOLDER = 256;

/** Characters that make up a word (ASCII letters, digits, `_` and `$`), by code; others beyond ASCII too. */
const WORD = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  WORD[code] = /[A-Za-z0-9_$]/.test(char) ? 1 : 0;
}
const isWordCode = (code: number) => (code < 128 ? WORD[code] === 1 : !isBlankCode(code));
const isBlankCode = (code: number) =>
  code === Char.Space ||
  code === Char.Tab ||
  code === Char.LineFeed ||
  code === Char.CarriageReturn ||
  code === 11 ||
  code === 12 ||
  code === 0xa0 ||
  code === 0xfeff ||
  code === 0x2028 ||
  code === 0x2029;
const isTagStart = (code: number) =>
  (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;

/** Called with each comment's body (without its `--`, `/*` or `*\/`) as offsets into the text. */
export type CommentListener = (start: number, end: number) => void;

export class SqlLexer {
  private current: TokenKind = 'end';
  /** The current token, as offsets into the text. */
  start = 0;
  end = 0;
  /** Set once the text ends inside a comment, string or quoted identifier. */
  unterminated: Unterminated | undefined;
  private position = 0;

  constructor(
    readonly text: string,
    private readonly onComment?: CommentListener
  ) {}

  /** The current token's kind (a method: each `next()` changes it). */
  kind(): TokenKind {
    return this.current;
  }

  /** Moves to the next token, past blanks and comments; `end` at the end of the text. */
  next(): TokenKind {
    const { text } = this;
    const length = text.length;
    let at = this.position;
    for (;;) {
      if (at >= length) return this.token('end', length, length);
      const code = text.charCodeAt(at);
      if (isBlankCode(code)) {
        at++;
      } else if (code === Char.Dash && text.charCodeAt(at + 1) === Char.Dash) {
        at = this.lineComment(at + 2);
      } else if (code === Char.Slash && text.charCodeAt(at + 1) === Char.Slash) {
        at = this.lineComment(at + 2);
      } else if (code === Char.Hash && this.hashStartsComment(at)) {
        at = this.lineComment(at + 1);
      } else if (code === Char.Slash && text.charCodeAt(at + 1) === Char.Asterisk) {
        const close = text.indexOf('*/', at + 2);
        if (close < 0) return this.open('comment', at);
        this.onComment?.(at + 2, close);
        at = close + 2;
      } else {
        return this.scanToken(at, code);
      }
    }
  }

  /** The current token is the word `upper` (given in upper case), in any case. */
  isWord(upper: string): boolean {
    return (
      this.current === 'word' &&
      this.end - this.start === upper.length &&
      this.text.slice(this.start, this.end).toUpperCase() === upper
    );
  }

  isPunct(char: string): boolean {
    return this.current === 'punct' && this.text[this.start] === char;
  }

  /** The current word in upper case. */
  upper(): string {
    return this.text.slice(this.start, this.end).toUpperCase();
  }

  /** The quote a quoted token opens with: `"`, `` ` `` or `[`. */
  quote(): string {
    return this.text[this.start];
  }

  /**
   * The current word or quoted identifier as a name: quotes dropped, escaped quotes
   * unescaped, case kept; undefined for any other token.
   */
  identifier(): string | undefined {
    const { text, start, end } = this;
    if (this.current === 'word') return text.slice(start, end);
    if (this.current !== 'quoted') return undefined;
    const quote = text[start];
    const close = quote === '[' ? ']' : quote;
    const inner = text.slice(start + 1, end - 1);
    return inner.replaceAll(`${close}${close}`, close).replaceAll(`\\${close}`, close);
  }

  /**
   * Where a name is expected, a `[` opens a T-SQL quoted identifier that ends at `]` (`]]`
   * inside): the current `[` becomes that quoted token. Elsewhere a bracket is punctuation.
   */
  bracketed(): boolean {
    if (!this.isPunct('[')) return false;
    const { text } = this;
    let at = this.start + 1;
    for (;;) {
      const close = text.indexOf(']', at);
      if (close < 0) return false;
      if (text.charCodeAt(close + 1) !== Char.CloseBracket) {
        this.token('quoted', this.start, close + 1);
        return true;
      }
      at = close + 2;
    }
  }

  /**
   * BigQuery's unquoted project names hold dashes (`my-project.dataset.table`): the current
   * word takes in each `-word` that follows it with no blank between.
   */
  joinDashes(): void {
    if (this.current !== 'word') return;
    const { text } = this;
    let end = this.end;
    while (
      text.charCodeAt(end) === Char.Dash &&
      text.charCodeAt(end + 1) !== Char.Dash &&
      end + 1 < text.length &&
      isWordCode(text.charCodeAt(end + 1))
    ) {
      end = this.wordEnd(end + 1);
    }
    this.token('word', this.start, end);
  }

  private token(kind: TokenKind, start: number, end: number): TokenKind {
    this.current = kind;
    this.start = start;
    this.end = end;
    this.position = end;
    return kind;
  }

  /** The text ends inside what opened at `start`: noted, and the lexing ends. */
  private open(what: string, start: number): TokenKind {
    this.unterminated ??= { what, offset: start };
    return this.token('end', this.text.length, this.text.length);
  }

  private lineComment(bodyStart: number): number {
    const { text } = this;
    let at = bodyStart;
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code === Char.LineFeed || code === Char.CarriageReturn) break;
      at++;
    }
    this.onComment?.(bodyStart, at);
    return at;
  }

  /** `#` opens a comment at the start of a line, or before a blank. */
  private hashStartsComment(at: number): boolean {
    const after = this.text.charCodeAt(at + 1);
    if (Number.isNaN(after) || isBlankCode(after)) return true;
    for (let before = at - 1; before >= 0; before--) {
      const code = this.text.charCodeAt(before);
      if (code === Char.LineFeed || code === Char.CarriageReturn) return true;
      if (code !== Char.Space && code !== Char.Tab) return false;
    }
    return true;
  }

  private scanToken(at: number, code: number): TokenKind {
    const { text } = this;
    switch (code) {
      case Char.Quote:
      case Char.DoubleQuote: {
        const triple =
          text.charCodeAt(at + 1) === code &&
          text.charCodeAt(at + 2) === code &&
          text.charCodeAt(at + 3) !== code;
        const kind = code === Char.Quote ? 'string' : 'quoted';
        if (triple) return this.tripleQuoted(at, code, kind);
        return this.quoted(at, code, kind === 'string' ? 'string' : 'quoted identifier', kind);
      }
      case Char.Backtick:
        return this.quoted(at, code, 'quoted identifier', 'quoted');
      case Char.Dollar: {
        const body = this.dollarQuote(at);
        if (body !== undefined) return body;
        return this.token('word', at, this.wordEnd(at));
      }
      default:
        if (isWordCode(code)) return this.token('word', at, this.wordEnd(at));
        return this.token('punct', at, at + 1);
    }
  }

  /** The end of a word starting at `at`, `${key}` placeholders included. */
  private wordEnd(at: number): number {
    const { text } = this;
    let end = at;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (code === Char.Dollar && text.charCodeAt(end + 1) === Char.OpenBrace) {
        const close = this.placeholderEnd(end + 2);
        end = close < 0 ? end + 1 : close + 1;
      } else if (isWordCode(code)) {
        end++;
      } else {
        break;
      }
    }
    return end;
  }

  /** The `}` closing a placeholder's key on its line, or -1. */
  private placeholderEnd(from: number): number {
    const { text } = this;
    const limit = Math.min(text.length, from + MAX_PLACEHOLDER);
    for (let at = from; at < limit; at++) {
      const code = text.charCodeAt(at);
      if (code === Char.CloseBrace) return at === from ? -1 : at;
      if (code === Char.LineFeed || code === Char.CarriageReturn || code === Char.OpenBrace)
        return -1;
    }
    return -1;
  }

  /** A quoted token: `''` (or `""`, ` `` `) and a backslash escape the quote. */
  private quoted(at: number, quote: number, what: string, kind: TokenKind): TokenKind {
    const { text } = this;
    let end = at + 1;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (code === Char.Backslash) {
        end += 2;
      } else if (code === quote) {
        if (text.charCodeAt(end + 1) !== quote) return this.token(kind, at, end + 1);
        end += 2;
      } else {
        end++;
      }
    }
    return this.open(what, at);
  }

  /** BigQuery's `'''…'''` and `"""…"""`, with backslash escapes. */
  private tripleQuoted(at: number, quote: number, kind: TokenKind): TokenKind {
    const { text } = this;
    let end = at + 3;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (code === Char.Backslash) {
        end += 2;
      } else if (
        code === quote &&
        text.charCodeAt(end + 1) === quote &&
        text.charCodeAt(end + 2) === quote
      ) {
        return this.token(kind, at, end + 3);
      } else {
        end++;
      }
    }
    return this.open('string', at);
  }

  /** `$$…$$` or `$tag$…$tag$`; undefined when the `$` opens no such body (`$1`, `${key}`). */
  private dollarQuote(at: number): TokenKind | undefined {
    const { text } = this;
    let tagEnd = at + 1;
    if (text.charCodeAt(tagEnd) !== Char.Dollar) {
      if (!isTagStart(text.charCodeAt(tagEnd))) return undefined;
      while (tagEnd < text.length && WORD[text.charCodeAt(tagEnd)] === 1) {
        if (text.charCodeAt(tagEnd) === Char.Dollar) break;
        tagEnd++;
      }
      if (text.charCodeAt(tagEnd) !== Char.Dollar) return undefined;
    }
    const delimiter = text.slice(at, tagEnd + 1);
    const close = text.indexOf(delimiter, tagEnd + 1);
    if (close < 0) return this.open(`${delimiter} body`, at);
    return this.token('string', at, close + delimiter.length);
  }
}
