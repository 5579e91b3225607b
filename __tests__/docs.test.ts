// README.md must agree with the code: the generated tables are current, every input and output
// is documented, every example step only passes inputs the action declares, and the documented
// diffs file errors are what the validator reports.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

import {
  driftedSections,
  extractSection,
  parseActionYml,
  renderInputsTable,
  renderOutputsTable,
  updateReadme
} from '../scripts/docs.mjs';
import { formatProblem, validateDiffs } from '../src/diffs/validate.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const actionYml = readFileSync(`${root}action.yml`, 'utf8');
const readme = readFileSync(`${root}README.md`, 'utf8');
const action = parseActionYml(actionYml);

/** The first column (`name`) of every body row of a Markdown table. */
function tableNames(table: string): string[] {
  return table
    .split('\n')
    .slice(2)
    .map((row) => /^\|\s*`([^`]+)`/.exec(row)?.[1] ?? `unreadable row: ${row}`);
}

/** The bodies of the fenced code blocks in `languages`, de-indented (fences may sit in lists). */
function codeBlocks(markdown: string, languages: string[]): string[] {
  const blocks: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) {
      body.push(lines[i].slice(open[1].length));
    }
    if (languages.includes(open[2])) blocks.push(body.join('\n'));
  }
  return blocks;
}

interface ActionStep {
  uses: string;
  line: string;
  withKeys: string[];
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const isBlank = (line: string): boolean => line.trim() === '' || line.trim().startsWith('#');
/** Where a line's mapping key starts: after its indentation and any `- ` list marker. */
const keyIndentOf = (line: string): number => /^\s*(-\s+)?/.exec(line)?.[0].length ?? 0;

/**
 * Steps that use this action (`…/datafold-ci-action@v1` or `./`), with the keys of their
 * `with:` map. Line-based and tolerant: it only needs the shape GitHub workflow steps have.
 */
function actionSteps(yamlText: string): ActionStep[] {
  const lines = yamlText.split('\n');
  const steps: ActionStep[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s*)(-\s+)?uses:\s*['"]?([^'"\s#]+)/.exec(line);
    if (!match) return;
    const uses = match[3];
    if (uses !== './' && !uses.endsWith('datafold-ci-action@v1')) return;
    const keyIndent = keyIndentOf(line);

    // The step spans from its `- ` line to the next line indented less than its keys.
    let start = index;
    while (!match[2] && start > 0 && !/^\s*-\s/.test(lines[start])) start--;
    let end = index + 1;
    while (end < lines.length && (isBlank(lines[end]) || indentOf(lines[end]) >= keyIndent)) end++;

    const withKeys: string[] = [];
    const withLine = lines
      .slice(start, end)
      .findIndex(
        (candidate) =>
          /^\s*(-\s+)?with:\s*(#.*)?$/.test(candidate) && keyIndentOf(candidate) === keyIndent
      );
    if (withLine !== -1) {
      let mapIndent = -1;
      for (let i = start + withLine + 1; i < end; i++) {
        if (isBlank(lines[i])) continue;
        const indent = indentOf(lines[i]);
        if (indent <= keyIndent) break;
        if (mapIndent === -1) mapIndent = indent;
        const key = /^\s*([A-Za-z0-9_-]+)\s*:/.exec(lines[i]);
        if (indent === mapIndent && key) withKeys.push(key[1]);
      }
    }
    steps.push({ uses, line: line.trim(), withKeys });
  });
  return steps;
}

describe('README tables', () => {
  it('match what action.yml renders (run "npm run docs" to fix)', () => {
    expect(extractSection(readme, 'inputs')).toBe(renderInputsTable(actionYml));
    expect(extractSection(readme, 'outputs')).toBe(renderOutputsTable(actionYml));
    expect(driftedSections(readme, actionYml)).toEqual([]);
  });

  it('document every input and output, in action.yml order', () => {
    expect(action.inputs.length).toBeGreaterThan(0);
    expect(action.outputs.length).toBeGreaterThan(0);
    expect(tableNames(extractSection(readme, 'inputs'))).toEqual(
      action.inputs.map((input) => input.name)
    );
    expect(tableNames(extractSection(readme, 'outputs'))).toEqual(
      action.outputs.map((output) => output.name)
    );
  });

  it('are what Prettier would write, so "npm run lint" and "npm run docs" agree', async () => {
    const options = (await prettier.resolveConfig(`${root}README.md`)) ?? {};
    for (const table of [renderInputsTable(actionYml), renderOutputsTable(actionYml)]) {
      const markdown = `<!-- start -->\n\n${table}\n\n<!-- end -->\n`;
      expect(await prettier.format(markdown, { ...options, parser: 'markdown' })).toBe(markdown);
    }
  });
});

describe('docs script', () => {
  const extraInput = actionYml.replace(
    /^inputs:\n/m,
    'inputs:\n  brand-new:\n    description: "An input | with a pipe"\n    required: true\n'
  );

  it('notices a table that drifted, and updateReadme repairs it', () => {
    expect(driftedSections(readme, extraInput)).toEqual(['inputs']);
    const updated = updateReadme(readme, extraInput);
    expect(driftedSections(updated, extraInput)).toEqual([]);
    expect(extractSection(updated, 'inputs')).toMatch(
      /^\| `brand-new` +\| yes +\| +\| An input \\\| with a pipe +\|$/m
    );
    expect(updateReadme(updated, extraInput)).toBe(updated);
  });

  it('leaves a current README unchanged', () => {
    expect(updateReadme(readme, actionYml)).toBe(readme);
  });

  it('refuses a README without the markers', () => {
    expect(() => updateReadme('# Title\n', actionYml)).toThrow('<!-- inputs:start -->');
  });

  it('reads action.yml with a YAML parser: unquoted scalars as text, declaration order kept', () => {
    const parsed = parseActionYml(
      [
        'name: x',
        'inputs:',
        '  zeta:',
        '    description: "says \\"hi\\": twice" # a comment',
        '    required: true',
        '  alpha:',
        '    description: |',
        '      one',
        '      two',
        '    default: false',
        '  count:',
        '    description: >-',
        '      folded',
        '      text',
        '    default: 60',
        'outputs:',
        '  out:',
        '    description: plain',
        'runs:',
        '  using: node24'
      ].join('\n')
    );
    expect(parsed.inputs).toEqual([
      { name: 'zeta', description: 'says "hi": twice', required: true, default: undefined },
      { name: 'alpha', description: 'one\ntwo\n', required: false, default: 'false' },
      { name: 'count', description: 'folded text', required: false, default: '60' }
    ]);
    expect(parsed.outputs).toEqual([{ name: 'out', description: 'plain' }]);
  });

  it('refuses an action.yml that is not YAML, or whose inputs are not a map', () => {
    expect(() => parseActionYml('inputs:\n  a:\n    description: [unclosed\n')).toThrow();
    expect(() => parseActionYml('inputs:\n  - api-key\n')).toThrow('"inputs" is not a map');
  });
});

describe('README examples', () => {
  const inputNames = new Set(action.inputs.map((input) => input.name));
  const requiredInputs = action.inputs.filter((input) => input.required).map((input) => input.name);
  const steps = codeBlocks(readme, ['yaml', 'yml']).flatMap(actionSteps);

  it('contain the examples this test checks', () => {
    expect(steps.length).toBeGreaterThanOrEqual(8);
  });

  it('only pass inputs that action.yml declares', () => {
    const unknown = steps.flatMap((step) =>
      step.withKeys.filter((key) => !inputNames.has(key)).map((key) => `${step.line}: ${key}`)
    );
    expect(unknown).toEqual([]);
  });

  it('pass every required input', () => {
    const missing = steps.flatMap((step) =>
      requiredInputs
        .filter((key) => !step.withKeys.includes(key))
        .map((key) => `${step.line}: ${key}`)
    );
    expect(missing).toEqual([]);
  });

  it('are read correctly by the step extractor, so the checks above can fail', () => {
    const workflow = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - uses: actions/checkout@v5',
      '        with:',
      '          fetch-depth: 2',
      '      - name: Submit',
      '        uses: OWNER/datafold-ci-action@v1',
      '        with:',
      '          ci-config-id: 1',
      '          diff: diffs.json # a typo',
      '        env:',
      '          FOO: bar',
      '      - uses: ./',
      '        with: ',
      '          dry-run: true',
      '  b:',
      '    uses: ./.github/workflows/other.yml'
    ].join('\n');
    expect(actionSteps(workflow)).toEqual([
      {
        uses: 'OWNER/datafold-ci-action@v1',
        line: 'uses: OWNER/datafold-ci-action@v1',
        withKeys: ['ci-config-id', 'diff']
      },
      { uses: './', line: '- uses: ./', withKeys: ['dry-run'] }
    ]);
  });
});

describe('README diffs file examples', () => {
  const section = readme.slice(readme.indexOf('## Diffs file format'));
  const [valid, invalid] = codeBlocks(section, ['jsonc']);
  const [expectedOutput] = codeBlocks(section, ['text']);

  it('the documented file is valid', () => {
    const result = validateDiffs(valid);
    expect(result.errors).toEqual([]);
    expect(result.entries.length).toBeGreaterThan(0);
  });

  it('the documented errors are what the validator reports', () => {
    const reported = validateDiffs(invalid).errors.map((problem) =>
      formatProblem('diffs.json', problem)
    );
    expect(reported).toEqual(expectedOutput.trim().split('\n'));
  });
});
