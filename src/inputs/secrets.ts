import * as core from '@actions/core';
import { escapeRegExp } from '../runtime/regexp.js';

/**
 * Shorter values are not masked: masking a value as short as "a" would turn every "a" in the
 * log into `***`. The inputs refuse an API key or token this short, so only a refused
 * credential in `host` can be one, and the action never prints that.
 */
export const MIN_SECRET_LENGTH = 8;

const secrets = new Set<string>();
let pattern: RegExp | undefined;
let restoreStreams: (() => void) | undefined;

/**
 * Keeps secrets out of everything the action prints or writes: the runner masks each in the
 * job log (`::add-mask::`, which must carry it once), and this process replaces it with `***`
 * itself, in each form an answer may echo it, before any write to stdout or stderr and, through
 * `redact`, before the outputs and the job summary are written.
 */
export function guardSecrets(values: string[]): void {
  const added = values.filter((value) => value.length >= MIN_SECRET_LENGTH && !secrets.has(value));
  if (added.length === 0) return;
  restoreStreams ??= redactStreams();
  for (const secret of added) {
    secrets.add(secret);
    core.setSecret(secret);
  }
  // Longest first, so a secret that contains another is replaced whole.
  const sources = [...secrets].sort((a, b) => b.length - a.length).map(secretPattern);
  pattern = new RegExp(sources.join('|'), 'g');
}

/** `text` with every guarded secret, in any of its echoed forms, replaced by `***`. */
export function redact(text: string): string {
  return pattern === undefined ? text : text.replace(pattern, '***');
}

/** Forgets every secret and restores stdout and stderr: for tests. */
export function releaseSecrets(): void {
  restoreStreams?.();
  restoreStreams = undefined;
  pattern = undefined;
  secrets.clear();
}

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

function redactStreams(): () => void {
  const restores = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write;
    const redacting = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      return (write as Write).call(this, redactChunk(chunk), ...rest);
    } as typeof stream.write;
    stream.write = redacting;
    return () => {
      // Whoever patched the stream since restores it themselves.
      if (stream.write === redacting) stream.write = write;
    };
  });
  return () => restores.forEach((restore) => restore());
}

/** A workflow command: `::name key=value,key=value::message`, its parts escaped. */
const COMMAND = /^::([\w-]+)( [^:]*)?::(.*)$/;

const unescapeData = (text: string) =>
  text.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
const escapeData = (text: string) =>
  text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const unescapeProperty = (text: string) =>
  unescapeData(text.replaceAll('%3A', ':').replaceAll('%2C', ','));
const escapeProperty = (text: string) =>
  escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');

/**
 * A workflow command is redacted in its parts as the runner reads them, unescaped, so that
 * its own escaping (`%` as `%25`) hides no form of a secret; a `::add-mask::` line must reach
 * the runner as it is, as that is how a secret gets masked.
 */
function redactLine(line: string): string {
  const command = COMMAND.exec(line);
  if (!command) return redact(line);
  const [, name, properties = '', message] = command;
  if (name === 'add-mask') return line;
  const part = (text: string, unescape: typeof unescapeData, escape: typeof escapeData) => {
    const plain = unescape(text);
    const redacted = redact(plain);
    return redacted === plain ? text : escape(redacted);
  };
  const redactedProperties = properties.replace(
    /=([^,]*)/g,
    (_, value: string) => `=${part(value, unescapeProperty, escapeProperty)}`
  );
  return `::${name}${redactedProperties}::${part(message, unescapeData, escapeData)}`;
}

function redactChunk(chunk: unknown): unknown {
  const text =
    typeof chunk === 'string'
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk).toString('utf8')
        : undefined;
  if (text === undefined) return chunk;
  const redacted = text.replace(/^.+$/gm, redactLine);
  return redacted === text ? chunk : redacted;
}

/** Hex digits of `value`, either case, at least `width` of them (more when zero-padded). */
function hexDigits(value: number, width: number, padded: boolean): string {
  const digits = value
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
  return padded ? `0*${digits}` : digits;
}

const HTML_NAMES: Record<string, string> = {
  '&': 'amp',
  '<': 'lt',
  '>': 'gt',
  '"': 'quot',
  "'": 'apos'
};

/** The `&` of an HTML entity, itself escaped any number of times, as `&amp;quot;` is. */
const AMPERSAND = '&(?:amp;|#0*38;|#[xX]0*26;)*';

/**
 * One character as a server may echo it: raw, JSON-escaped (`\"`, `\\`, `\/`, `\u0022`),
 * URL-encoded (`%22`, `+` for a space) or HTML-escaped (`&quot;`, `&#34;`, `&#x22;`). Forms
 * may mix within one echo, so they are matched per character; and an echo may be escaped
 * again (a JSON-escaped echo quoted as JSON, an HTML-escaped one put in the HTML summary), so
 * any number of backslashes may come first, and an entity's `&` may itself be escaped. Letters
 * and digits are never escaped.
 */
function characterPattern(char: string): string {
  if (/^[A-Za-z0-9]$/.test(char)) return char;
  const code = char.codePointAt(0) ?? 0;
  const units = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i));
  const html = [
    `${AMPERSAND}#0*${code};`,
    `${AMPERSAND}#[xX]${hexDigits(code, 1, true)};`,
    ...(HTML_NAMES[char] ? [`${AMPERSAND}${HTML_NAMES[char]};`] : [])
  ];
  const forms = [
    // A backslash is its own JSON escape: one or more of them.
    char === '\\' ? '\\\\+' : `\\\\*(?:${[escapeRegExp(char), ...html].join('|')})`,
    ...(char === '\\' ? html : []),
    units.map((unit) => `\\\\+u${hexDigits(unit, 4, false)}`).join(''),
    [...Buffer.from(char, 'utf8')].map((byte) => `%${hexDigits(byte, 2, false)}`).join(''),
    ...(char === ' ' ? ['\\+'] : [])
  ];
  return `(?:${forms.join('|')})`;
}

function secretPattern(secret: string): string {
  return [...secret].map(characterPattern).join('');
}

/** At most `max` characters of `text`, redacted before it is cut: a cut secret is not found. */
export function excerpt(text: string, max = 200): string {
  const redacted = redact(text);
  return redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
}
