import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setOutputs, writeSummary, type Outcome } from '../src/report.js';

// One directory for the file: core.summary keeps the first summary path it sees.
const dir = mkdtempSync(path.join(os.tmpdir(), 'report-'));
const saved = { ...process.env };

beforeEach(() => {
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY']) {
    process.env[name] = path.join(dir, name);
    writeFileSync(path.join(dir, name), '');
  }
});

afterAll(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const entry = (i: number) => ({
  prod: `P.T${i}`,
  pr: `PR.T${i}`,
  pk: ['ID'],
  include_columns: [],
  exclude_columns: ['<b>']
});

describe('setOutputs', () => {
  it('writes every output, empty where unknown', () => {
    setOutputs({ submitted: false });
    const names = [...read('GITHUB_OUTPUT').matchAll(/^([a-z-]+)<</gm)].map((match) => match[1]);
    expect(names).toEqual([
      'pr-number',
      'head-sha',
      'submitted',
      'skipped-reason',
      'diff-count',
      'ci-run-id',
      'run-id',
      'run-status',
      'results',
      'result-counts'
    ]);
  });

  it('writes Datafold ids and null ids as empty', () => {
    setOutputs({ submitted: true, prNumber: 4, entries: [entry(1)], ciRunId: 9, runId: null });
    const text = read('GITHUB_OUTPUT');
    expect(text).toMatch(/ci-run-id<<(\S+)\n9\n\1/);
    expect(text).toMatch(/run-id<<(\S+)\n\n\1/);
    expect(text).toMatch(/diff-count<<(\S+)\n1\n\1/);
  });
});

describe('writeSummary', () => {
  it('shows the decision, the linked pull request, the ids and the diffs, escaped', async () => {
    const outcome: Outcome = {
      submitted: true,
      prNumber: 4,
      prUrl: 'https://github.com/o/r/pull/4',
      headSha: 'a'.repeat(40),
      ciRunId: 9,
      runId: 12,
      runStatus: 'done',
      entries: [entry(1)]
    };
    await writeSummary(outcome);
    const html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain(
      '<strong>Submitted</strong> to Datafold; the CI run ended <strong>done</strong>.'
    );
    expect(html).toContain('<a href="https://github.com/o/r/pull/4">#4</a>');
    expect(html).toContain('Datafold CI run: <code>9</code>');
    expect(html).toContain('<td>&#60;b&#62;</td>');
    expect(html).not.toContain('<b>');
    // An empty column list still fills its cell.
    expect(html).toContain('<td>–</td>');
  });

  it('cuts a long table and counts the rest', async () => {
    await writeSummary({
      submitted: true,
      entries: Array.from({ length: 40 }, (_, i) => entry(i))
    });
    const html = read('GITHUB_STEP_SUMMARY');
    expect(html.match(/<tr>/g)).toHaveLength(26); // the header and 25 rows
    expect(html).toContain('… and 15 more of 40 diffs.');
  });

  it('lists the problems behind a failure, cut to a readable number', async () => {
    const problems = Array.from(
      { length: 23 },
      (_, i) => `diffs.json:${i + 1}:3: entry ${i + 1}: "pk" is required`
    );
    await writeSummary({ submitted: false, failure: 'diffs.json has 23 problems', problems });
    const html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain(
      '<li><code>diffs.json:1:3: entry 1: &#34;pk&#34; is required</code></li>'
    );
    expect(html.match(/<li>/g)).toHaveLength(20);
    expect(html).toContain('… and 3 more problems.');
  });

  it('states a skip and a failure', async () => {
    await writeSummary({
      submitted: false,
      skip: { reason: 'missing-label', level: 'notice', message: 'Skipped: no "x" label.' }
    });
    expect(read('GITHUB_STEP_SUMMARY')).toContain(
      '<strong>Skipped</strong> (<code>missing-label</code>): Skipped: no &#34;x&#34; label.'
    );
    writeFileSync(path.join(dir, 'GITHUB_STEP_SUMMARY'), '');
    await writeSummary({ submitted: false, failure: 'Datafold refused <it>' });
    expect(read('GITHUB_STEP_SUMMARY')).toContain(
      '<strong>Failed</strong>: Datafold refused &#60;it&#62;'
    );
  });
});
