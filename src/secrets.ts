import * as core from '@actions/core';

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

/** A `::add-mask::` line must reach the runner as it is: it is how a secret gets masked. */
const LINE_TO_REDACT = /^(?!::add-mask::).+$/gm;

function redactChunk(chunk: unknown): unknown {
  const text =
    typeof chunk === 'string'
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk).toString('utf8')
        : undefined;
  if (text === undefined) return chunk;
  const redacted = text.replace(LINE_TO_REDACT, redact);
  return redacted === text ? chunk : redacted;
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

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

/**
 * One character as a server may echo it: raw, JSON-escaped (`\"`, `\\`, `\/`, `\u0022`),
 * URL-encoded (`%22`, `+` for a space) or HTML-escaped (`&quot;`, `&#34;`, `&#x22;`). Letters
 * and digits are never escaped. Forms may mix within one echo, so they are matched per
 * character.
 */
function characterPattern(char: string): string {
  if (/^[A-Za-z0-9]$/.test(char)) return char;
  const code = char.codePointAt(0) ?? 0;
  const forms = new Set([escapeRegExp(char)]);
  const json = JSON.stringify(char).slice(1, -1);
  if (json !== char) forms.add(escapeRegExp(json));
  if (char === '/') forms.add('\\\\/');
  forms.add(
    Array.from(
      { length: char.length },
      (_, i) => `\\\\u${hexDigits(char.charCodeAt(i), 4, false)}`
    ).join('')
  );
  forms.add([...Buffer.from(char, 'utf8')].map((byte) => `%${hexDigits(byte, 2, false)}`).join(''));
  if (char === ' ') forms.add('\\+');
  forms.add(`&#0*${code};`);
  forms.add(`&#[xX]${hexDigits(code, 1, true)};`);
  if (HTML_NAMES[char]) forms.add(`&${HTML_NAMES[char]};`);
  return `(?:${[...forms].join('|')})`;
}

function secretPattern(secret: string): string {
  return [...secret].map(characterPattern).join('');
}
