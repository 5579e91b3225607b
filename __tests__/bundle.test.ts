import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

// The committed bundle's source maps, read as Node reads them under --enable-source-maps:
// each function must map back to the file and line that declare it.
const root = path.join(import.meta.dirname, '..');
const generated = readFileSync(path.join(root, 'dist', 'index.cjs'), 'utf8');
const map = new SourceMap(
  JSON.parse(readFileSync(path.join(root, 'dist', 'index.cjs.map'), 'utf8'))
);

describe('dist/index.cjs.map', () => {
  it.each([
    ['run', 'src/main.ts'],
    ['validateDiffs', 'src/diffs.ts'],
    ['readLocalCommitMessage', 'src/commit-message.ts'],
    ['findSkip', 'src/rules.ts'],
    ['submitDiffs', 'src/submit.ts'],
    ['setOutputs', 'src/report.ts']
  ])('maps %s to its declaration in %s', (name, file) => {
    const at = generated.indexOf(`function ${name}(`);
    expect(at).toBeGreaterThan(-1);
    const before = generated.slice(0, at).split('\n');
    const entry = map.findEntry(before.length - 1, before[before.length - 1].length);
    expect('originalSource' in entry && entry.originalSource).toMatch(new RegExp(`${file}$`));
    const declared = readFileSync(path.join(root, file), 'utf8')
      .split('\n')
      .findIndex((line) => new RegExp(`function ${name}\\b`).test(line));
    expect('originalLine' in entry && entry.originalLine).toBe(declared);
  });
});
