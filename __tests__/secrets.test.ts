import { afterEach, describe, expect, it } from '@jest/globals';
import { captureStdout } from '../__fixtures__/output.js';
import { excerpt, guardSecrets, redact, releaseSecrets } from '../src/inputs/secrets.js';

afterEach(releaseSecrets);

/** Guards `secrets`, keeping the `::add-mask::` lines off the real stdout; returns them. */
const guard = (...secrets: string[]) => captureStdout(() => guardSecrets(secrets));

/** `&`, `<`, `>`, `"` and `'` as HTML-escaping libraries write them, in three styles. */
const html = {
  named: (text: string) =>
    text.replace(
      /[&<>"']/g,
      (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`
    ),
  decimal: (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
  hex: (text: string) => text.replace(/[&<>"']/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`)
};

describe('redact', () => {
  const key = 'k"e\\y <&> + % / \'x';

  it.each([
    ['raw', key],
    ['JSON-escaped', JSON.stringify(key).slice(1, -1)],
    ['JSON-escaped with \\u escapes', 'k\\u0022e\\\\y \\u003c\\u0026\\u003e + % \\/ \\u0027x'],
    ['URL-encoded', encodeURIComponent(key)],
    ['form-encoded', new URLSearchParams({ key }).toString().slice('key='.length)],
    ['URL-encoded in lower case', encodeURIComponent(key).toLowerCase()],
    ['HTML-escaped with names', html.named(key)],
    ['HTML-escaped in decimal', html.decimal(key)],
    ['HTML-escaped in hex', html.hex(key)],
    ['HTML-escaped in zero-padded upper-case hex', key.replace(/"/g, '&#X0022;')],
    ['escaped in a workflow command (% as %25)', key.replace(/%/g, '%25')],
    ['JSON-escaped twice', JSON.stringify(JSON.stringify(key)).slice(3, -3)],
    ['HTML-escaped twice', html.decimal(html.named(key))],
    ['HTML-escaped, then JSON-escaped', JSON.stringify(html.hex(key)).slice(1, -1)]
  ])('replaces the secret %s', (_form, echoed) => {
    guard(key);
    expect(redact(`{"detail": "bad key ${echoed}."}`)).toBe('{"detail": "bad key ***."}');
  });

  it('replaces several secrets, the longer first, and every occurrence', () => {
    guard('secret-one', 'secret-one-and-more');
    expect(redact('secret-one-and-more, secret-one, secret-one')).toBe('***, ***, ***');
  });

  it('leaves text alone when no secret is guarded, or the secret differs', () => {
    expect(redact('secret-one')).toBe('secret-one');
    guard('secret-one');
    expect(redact('secret-onf SECRET-ONE')).toBe('secret-onf SECRET-ONE');
  });

  it('guards no value shorter than 8 characters: that would wreck the log', () => {
    expect(guard('a', 'abcdefg', '')).toBe('');
    expect(redact('a abcdefg')).toBe('a abcdefg');
    expect(guard('abcdefgh')).toBe('::add-mask::abcdefgh\n');
  });
});

describe('the guarded streams', () => {
  it('redact every write to stdout and stderr, strings and bytes, but pass ::add-mask:: lines', () => {
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof write;
    let stdout: string;
    try {
      stdout = captureStdout(() => {
        guardSecrets(['the-api-key', 'the:api,key', 'the"api-key']);
        process.stdout.write('::error::refused the-api-key\n');
        // URL-encoded by a server, then escaped as a workflow command does: %22 as %2522.
        process.stdout.write('::warning file=the%3Aapi%2Ckey::Key%0Athe%2522api-key%25\n');
        process.stdout.write(Buffer.from('debug: Key%20the-api-key\n'));
        process.stdout.write('::add-mask::the-api-key\n');
        process.stderr.write('the&#45;api-key\n');
        releaseSecrets();
      });
    } finally {
      process.stderr.write = write;
    }
    expect(stdout.split('\n')).toEqual([
      '::add-mask::the-api-key',
      '::add-mask::the:api,key',
      '::add-mask::the"api-key',
      '::error::refused ***',
      '::warning file=***::Key%0A***%25',
      'debug: Key%20***',
      '::add-mask::the-api-key',
      ''
    ]);
    expect(stderr).toEqual(['***\n']);
  });

  it('are restored by releaseSecrets, which also forgets the secrets', () => {
    const written = captureStdout(() => {
      const capturing = process.stdout.write;
      guardSecrets(['the-api-key']);
      expect(process.stdout.write).not.toBe(capturing);
      releaseSecrets();
      expect(process.stdout.write).toBe(capturing);
      process.stdout.write('the-api-key\n');
    });
    expect(written).toBe('::add-mask::the-api-key\nthe-api-key\n');
    expect(redact('the-api-key')).toBe('the-api-key');
  });
});

describe('excerpt', () => {
  it('redacts before cutting, so a secret across the cut leaves no prefix behind', () => {
    guard('s3cr3t-api-key-value');
    const text = `${'x'.repeat(190)}s3cr3t-api-key-value and more`;
    expect(excerpt(text)).toBe(`${'x'.repeat(190)}*** and mo…`);
    expect(excerpt(text, 195)).toBe(`${'x'.repeat(190)}*** a…`);
  });
});
