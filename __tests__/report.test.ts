import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Outcome } from '../src/report/outcome.js';
import { setOutputs, writeSummary } from '../src/report/report.js';
import type { DiffRow, RunResults } from '../src/results/results.js';

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
/** GITHUB_OUTPUT's `name<<delimiter` blocks as name → value. */
const readOutputs = () =>
  Object.fromEntries(
    [...read('GITHUB_OUTPUT').matchAll(/^([a-z-]+)<<(\S+)\n([^]*?)\n?\2$/gm)].map(
      ([, name, , value]) => [name, value]
    )
  );
const entry = (i: number) => ({
  prod: `P.T${i}`,
  pr: `PR.T${i}`,
  pk: ['ID'],
  include_columns: [],
  exclude_columns: ['<b>']
});

describe('setOutputs', () => {
  it('writes every output, empty where unknown', async () => {
    await setOutputs({ submitted: false });
    const names = [...read('GITHUB_OUTPUT').matchAll(/^([a-z-]+)<</gm)].map((match) => match[1]);
    expect(names).toEqual([
      'pr-number',
      'head-sha',
      'submitted',
      'skipped-reason',
      'diff-count',
      'diffs',
      'ci-run-id',
      'run-id',
      'run-status',
      'results',
      'result-counts'
    ]);
  });

  it('writes Datafold ids and null ids as empty', async () => {
    await setOutputs({
      submitted: true,
      prNumber: 4,
      entries: [entry(1)],
      ciRunId: 9,
      runId: null
    });
    const text = read('GITHUB_OUTPUT');
    expect(text).toMatch(/ci-run-id<<(\S+)\n9\n\1/);
    expect(text).toMatch(/run-id<<(\S+)\n\n\1/);
    expect(text).toMatch(/diff-count<<(\S+)\n1\n\1/);
  });

  it('writes the diffs as JSON in their normalised order, empty when unknown', async () => {
    await setOutputs({ submitted: false, entries: [entry(1)] });
    expect(readOutputs().diffs).toBe(
      '[{"prod":"P.T1","pr":"PR.T1","pk":["ID"],"include_columns":[],"exclude_columns":["<b>"]}]'
    );
    writeFileSync(path.join(dir, 'GITHUB_OUTPUT'), '');
    await setOutputs({ submitted: false, entries: [] });
    expect(readOutputs().diffs).toBe('[]');
    writeFileSync(path.join(dir, 'GITHUB_OUTPUT'), '');
    await setOutputs({ submitted: false });
    expect(readOutputs().diffs).toBe('');
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
    expect(html).toContain('<h3>Diffs submitted</h3>');
  });

  it('does not call the diffs submitted when Datafold did not confirm them', async () => {
    await writeSummary({
      submitted: false,
      skip: { reason: 'dry-run', level: 'notice', message: 'Dry run.' },
      entries: [entry(1)]
    });
    const html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain('<h3>Diffs</h3>');
    expect(html).not.toContain('Diffs submitted');
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

describe('the Discovered section', () => {
  const discovered = (count: number) => {
    const entries = Array.from({ length: count }, (_, i) => ({ ...entry(i), exclude_columns: [] }));
    const sources = entries.map((_, i) => ({ file: `models/<m${i}>.sql`, line: i + 1 }));
    return { entries, sources, filesRead: count + 1 };
  };

  it('shows each discovered table with the file and line it came from, escaped', async () => {
    const found = discovered(2);
    await writeSummary({ submitted: true, entries: found.entries, discovered: found });
    const html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain('<h3>Discovered</h3>');
    expect(html).toContain('<p>2 tables in the 3 changed files read.</p>');
    expect(html).toContain('<th>from</th>');
    expect(html).toContain(
      '<tr><td>P.T1</td><td>PR.T1</td><td>ID</td><td><code>models/&#60;m1&#62;.sql:2</code></td></tr>'
    );
    // Instead of the table of given diffs, whose column lists discovery never fills.
    expect(html).not.toContain('include_columns');
  });

  it('says when no table was found, and cuts a long table', async () => {
    const none = discovered(0);
    await writeSummary({ submitted: true, entries: [], discovered: none });
    expect(read('GITHUB_STEP_SUMMARY')).toContain('<p>No table in the 1 changed file read.</p>');
    writeFileSync(path.join(dir, 'GITHUB_STEP_SUMMARY'), '');
    const many = discovered(30);
    await writeSummary({ submitted: false, entries: many.entries, discovered: many });
    const html = read('GITHUB_STEP_SUMMARY');
    expect(html.match(/<tr>/g)).toHaveLength(26);
    expect(html).toContain(
      '… and 5 more of 30 diffs (the <code>diffs</code> output has them all).'
    );
  });
});

describe('the results section', () => {
  const HOST = 'https://app.datafold.com';
  const diff = (id: number, result: DiffRow['report']['result'], name = `T${id}`): DiffRow => ({
    report: {
      prod: `PROD.${name}`,
      pr: `PR.${name}`,
      diff_id: id,
      status: 'done',
      result,
      url: `${HOST}/datadiffs/${id}/overview`,
      rows_total: 2000,
      rows_different: result === 'different' ? 3 : 0,
      columns_different: result === 'different' ? 1 : 0,
      pk_nulls: 0,
      pk_duplicates: 0,
      schema_changes: 0
    },
    finished: true
  });
  const ran = (rows: DiffRow[], incomplete = false): RunResults => ({
    ciRunId: 7,
    host: HOST,
    ended: true,
    readable: true,
    rows,
    incomplete
  });

  it('sets results and result-counts, empty when the results could not be read', async () => {
    await setOutputs({
      submitted: true,
      results: ran([diff(1, 'different'), diff(2, 'identical')])
    });
    const text = readOutputs();
    expect(JSON.parse(text.results)).toEqual([
      diff(1, 'different').report,
      diff(2, 'identical').report
    ]);
    expect(JSON.parse(text['result-counts'])).toEqual({ different: 1, identical: 1 });
    await setOutputs({
      submitted: true,
      results: { ciRunId: 7, host: HOST, ended: true, readable: false, reason: 'HTTP 403' }
    });
    expect([readOutputs().results, readOutputs()['result-counts']]).toEqual(['', '']);
  });

  it('shows the counts, the gate, and problems first, cut with a count of the rest', async () => {
    const rows = [
      ...Array.from({ length: 40 }, (_, i) => diff(i + 1, 'identical')),
      diff(41, 'different'),
      diff(42, 'error')
    ];
    await writeSummary({ submitted: true, results: ran(rows), failOn: ['different'] });
    const html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain(
      '<strong>Datafold CI run 7</strong>: 42 data diffs — ❌ 1 error · 🟠 1 different · ✅ 40 identical'
    );
    expect(html).toContain('⛔ <code>fail-on: different</code>: tripped by 1 data diff.');
    const firstRows = html.match(/<tr><td>[^<]*<strong>[A-Za-z ]+<\/strong>/g) ?? [];
    expect(firstRows.slice(0, 3).map((cell) => cell.replace(/.*<strong>|<\/strong>/g, ''))).toEqual(
      ['Error', 'Different', 'Identical']
    );
    expect(html).toContain('<strong>3</strong> of 2,000 <sub>(0.15 %)</sub>');
    expect(html).toContain('… and 12 more data diffs, all identical');
  });

  it('stays well under GitHub’s 1 MiB summary limit, whatever Datafold sends', async () => {
    const huge = 'X'.repeat(100_000);
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      ...diff(i, 'error', `${huge}${i}`),
      error: huge,
      schemaChanges: Array.from({ length: 500 }, () => `+${huge}`)
    }));
    await writeSummary({ submitted: true, results: ran(rows, true) });
    const html = read('GITHUB_STEP_SUMMARY');
    expect(Buffer.byteLength(html)).toBeLessThan(100_000);
    expect(html).toContain('these results may be incomplete');
    expect(html).toContain('… and 1,970 more data diffs');
  });

  it('says when the results could not be read, and what that means for the step', async () => {
    const results: RunResults = {
      ciRunId: 7,
      host: HOST,
      ended: true,
      readable: false,
      reason: 'HTTP <403>'
    };
    await writeSummary({ submitted: true, results, prUrl: 'https://github.com/o/r/pull/4' });
    let html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain(
      '⚠️ The results of Datafold CI run 7 could not be read: HTTP &#60;403&#62;'
    );
    expect(html).toContain(
      `<a href="${HOST}">Datafold</a> or on the <a href="https://github.com/o/r/pull/4">pull request</a>`
    );
    expect(html).toContain('does not depend on them');
    writeFileSync(path.join(dir, 'GITHUB_STEP_SUMMARY'), '');
    await writeSummary({ submitted: true, results, failOn: ['error'] });
    html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain('<code>fail-on</code> could not be checked, so the step failed.');
  });

  it('shows what was known when the step stopped, and says the run goes on', async () => {
    const { report } = diff(3, null);
    const running: DiffRow = {
      report: {
        prod: report.prod,
        pr: report.pr,
        diff_id: 3,
        status: 'processing',
        result: null,
        url: report.url
      },
      finished: false
    };
    const rows = [diff(1, 'different'), diff(2, 'identical'), running];
    const known: RunResults = { ...ran(rows), ended: false };
    await writeSummary({ submitted: true, results: known, failOn: ['different'] });
    let html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain(
      `⏳ Datafold CI run 7 goes on in <a href="${HOST}">Datafold</a>: 2 data diffs of 3 had finished when the step stopped.`
    );
    expect(html).toContain('⛔ <code>fail-on: different</code>: tripped by 1 data diff so far.');
    expect(html).toContain(
      '3 data diffs — 🟠 1 different · ⏳ 1 without a result · ✅ 1 identical'
    );
    expect(html).toContain('Not finished (status <code>processing</code>)');
    expect(
      JSON.parse(
        (await setOutputs({ submitted: true, results: known }), readOutputs())['result-counts']
      )
    ).toEqual({
      different: 1,
      none: 1,
      identical: 1
    });
    writeFileSync(path.join(dir, 'GITHUB_STEP_SUMMARY'), '');
    await writeSummary({
      submitted: true,
      results: { ...ran([diff(2, 'identical')]), ended: false },
      failOn: ['different']
    });
    html = read('GITHUB_STEP_SUMMARY');
    expect(html).toContain(
      '⏳ <code>fail-on: different</code>: not tripped by the diffs finished so far.'
    );
    expect(html).not.toContain('passed');
  });
});
