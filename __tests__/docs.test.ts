// README.md, docs/*.md and action.yml must agree: the generated tables are current, every input
// and output is documented, every example step only passes inputs the action declares, every
// relative link leads to a file and heading that exist, every docs page is linked from the
// README, the README stays short, and the documented diffs file errors are what the validator
// reports.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

/** The reference pages, as paths from the repository root (`docs/rules.md`). */
const docPages = readdirSync(`${root}docs`)
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => `docs/${name}`);
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
/** The pages whose examples and links are checked. */
const checkedPages = ['README.md', ...docPages, 'CONTRIBUTING.md', 'SECURITY.md'];

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

/** The text with every fenced code block blanked out, line count kept. */
function withoutCodeBlocks(markdown: string): string {
  const lines = markdown.split('\n');
  let fence: string | undefined;
  return lines
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined && marker) {
        fence = marker;
        return '';
      }
      if (fence !== undefined) {
        if (
          marker &&
          marker[0] === fence[0] &&
          marker.length >= fence.length &&
          !/\S/.test(line.trim().slice(marker.length))
        ) {
          fence = undefined;
        }
        return '';
      }
      return line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading: lower-case, spaces to '-', punctuation but '-' and '_' dropped. */
function slugify(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link counts by its text
    .replace(/<[^>]+>/g, '') // HTML tags
    .replace(/`/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings; a repeated heading gets `-1`, `-2`, … as on GitHub. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!heading) continue;
    const slug = slugify(heading[1]);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of a page's Markdown links and images (inline and reference definitions). */
function linkTargets(markdown: string): string[] {
  const prose = withoutCodeBlocks(markdown).replace(/``[^\n]*?``|`[^`\n]*`/g, '');
  const inline = [
    ...prose.matchAll(/\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)/g)
  ];
  const references = [...prose.matchAll(/^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)/gm)];
  return [...inline, ...references].map((match) => match[1].replace(/^<|>$/g, ''));
}

interface Files {
  exists(file: string): boolean;
  read(file: string): string;
}

const repositoryFiles: Files = {
  exists: (file) => existsSync(path.join(root, file)),
  read
};

/**
 * Where a relative link of page `from` leads, as a path from the repository root, and its
 * anchor; undefined for an absolute URL (`https:`, `mailto:`, `//host`).
 */
function resolveLink(from: string, target: string): { file: string; anchor?: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined;
  const hash = target.indexOf('#');
  const filePart = hash === -1 ? target : target.slice(0, hash);
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const file =
    filePart === ''
      ? from
      : path.posix.normalize(
          path.posix.join(path.posix.dirname(from), decodeURIComponent(filePart))
        );
  return { file: file.replace(/\/$/, ''), anchor };
}

/** Every relative link of a page that leads to no file, or to no heading of a Markdown file. */
function brokenLinks(from: string, markdown: string, files: Files): string[] {
  return linkTargets(markdown).flatMap((target) => {
    const link = resolveLink(from, target);
    if (!link) return [];
    if (link.file === '..' || link.file.startsWith('../')) {
      return [`${from}: ${target} leads outside the repository`];
    }
    if (!files.exists(link.file)) return [`${from}: ${target}: there is no ${link.file}`];
    if (link.anchor === undefined || !link.file.endsWith('.md')) return [];
    return headingAnchors(files.read(link.file)).has(link.anchor)
      ? []
      : [`${from}: ${target}: ${link.file} has no heading "#${link.anchor}"`];
  });
}

/** The pages that `markdown` (the README) does not link to. */
function unlinkedPages(from: string, markdown: string, pages: string[]): string[] {
  const linked = new Set(
    linkTargets(markdown).flatMap((target) => resolveLink(from, target)?.file ?? [])
  );
  return pages.filter((page) => !linked.has(page));
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
 * Steps that use this action (`…/datafold-ci-action@<tag or commit>` or `./`), with the keys of their
 * `with:` map. Line-based and tolerant: it only needs the shape GitHub workflow steps have.
 */
function actionSteps(yamlText: string): ActionStep[] {
  const lines = yamlText.split('\n');
  const steps: ActionStep[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s*)(-\s+)?uses:\s*['"]?([^'"\s#]+)/.exec(line);
    if (!match) return;
    const uses = match[3];
    if (uses !== './' && !/\/datafold-ci-action@[^/]+$/.test(uses)) return;
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

describe('Action steps in README.md and docs/', () => {
  const inputNames = new Set(action.inputs.map((input) => input.name));
  const requiredInputs = action.inputs.filter((input) => input.required).map((input) => input.name);
  const stepsOf = (page: string) =>
    codeBlocks(read(page), ['yaml', 'yml'])
      .flatMap(actionSteps)
      .map((step) => ({ ...step, line: `${page}: ${step.line}` }));
  const steps = checkedPages.flatMap(stepsOf);

  it('contain the examples this test checks, in the README and in the docs pages', () => {
    expect(stepsOf('README.md').length).toBeGreaterThanOrEqual(6);
    expect(docPages.flatMap(stepsOf).length).toBeGreaterThanOrEqual(3);
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
      '      - uses: OWNER/datafold-ci-action@0123456789abcdef0123456789abcdef01234567 # v1.1.0',
      '      - uses: OWNER/other-action@v1',
      '        with:',
      '          ci-config-id: 1',
      '  b:',
      '    uses: ./.github/workflows/other.yml'
    ].join('\n');
    expect(actionSteps(workflow)).toEqual([
      {
        uses: 'OWNER/datafold-ci-action@v1',
        line: 'uses: OWNER/datafold-ci-action@v1',
        withKeys: ['ci-config-id', 'diff']
      },
      { uses: './', line: '- uses: ./', withKeys: ['dry-run'] },
      {
        uses: 'OWNER/datafold-ci-action@0123456789abcdef0123456789abcdef01234567',
        line: '- uses: OWNER/datafold-ci-action@0123456789abcdef0123456789abcdef01234567 # v1.1.0',
        withKeys: []
      }
    ]);
  });
});

describe('Diffs file examples', () => {
  const page = read('docs/diffs-file.md');
  const start = page.indexOf('\n## Diffs file format\n');
  const section = page.slice(start, page.indexOf('\n## ', start + 1));
  const [valid, invalid] = codeBlocks(section, ['jsonc']);
  const [expectedOutput] = codeBlocks(section, ['text']);

  it('docs/diffs-file.md documents a valid file, an invalid one and its errors', () => {
    expect(start).toBeGreaterThanOrEqual(0);
    expect([valid, invalid, expectedOutput].every((block) => block !== undefined)).toBe(true);
  });

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

  it("the README's example is valid", () => {
    const examples = codeBlocks(readme, ['jsonc', 'json']).filter((block) =>
      block.trimStart().startsWith('[')
    );
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(validateDiffs(example).errors).toEqual([]);
  });
});

describe('Links and pages', () => {
  it('every relative link in README.md, docs/, CONTRIBUTING.md and SECURITY.md leads to a file and heading that exist', () => {
    expect(docPages.length).toBeGreaterThan(0);
    const broken = checkedPages.flatMap((page) => brokenLinks(page, read(page), repositoryFiles));
    expect(broken).toEqual([]);
  });

  it('README.md links every docs/ page', () => {
    expect(unlinkedPages('README.md', readme, docPages)).toEqual([]);
  });

  it('README.md is at most 600 lines', () => {
    expect(readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0)).toBeLessThanOrEqual(600);
  });

  it('anchors follow GitHub: lower-case, spaces to "-", punctuation but "-" and "_" dropped', () => {
    expect(slugify('Data diff results and `fail-on`')).toBe('data-diff-results-and-fail-on');
    expect(slugify('How to generate diffs.json')).toBe('how-to-generate-diffsjson');
    expect(slugify('Switching from `datafold ci submit`')).toBe(
      'switching-from-datafold-ci-submit'
    );
    expect(slugify('Reliability: retries & timeouts (v1)')).toBe(
      'reliability-retries--timeouts-v1'
    );
    expect(slugify('snake_case and [a link](x.md)')).toBe('snake_case-and-a-link');
    expect([...headingAnchors('# A\n\n```sh\n# not a heading\n```\n\n## A\n## B #\n')]).toEqual([
      'a',
      'a-1',
      'b'
    ]);
  });

  it('the link checker finds a missing file, a missing heading and a way out of the repository', () => {
    const files: Files = {
      exists: (file) => ['docs/a.md', 'docs/b.md', 'README.md', 'src'].includes(file),
      read: (file) => (file === 'docs/b.md' ? '# B\n\n## Has `code`\n' : '# A\n')
    };
    const page = [
      'Fine: [b](b.md), [anchor](b.md#has-code), [self](#a), [dir](../src/), [web](https://x.y/#z)',
      '`[not a link](nowhere.md)` and a [reference]',
      '',
      '[reference]: missing.md',
      '',
      '```md',
      '[in code](nowhere.md)',
      '```',
      '',
      'Broken: [file](c.md), [anchor](b.md#has-code-2), [self](#nope), [out](../../x.md)'
    ].join('\n');
    expect(brokenLinks('docs/a.md', page, files)).toEqual([
      'docs/a.md: c.md: there is no docs/c.md',
      'docs/a.md: b.md#has-code-2: docs/b.md has no heading "#has-code-2"',
      'docs/a.md: #nope: docs/a.md has no heading "#nope"',
      'docs/a.md: ../../x.md leads outside the repository',
      'docs/a.md: missing.md: there is no docs/missing.md'
    ]);
    expect(unlinkedPages('docs/a.md', page, ['docs/b.md', 'docs/d.md'])).toEqual(['docs/d.md']);
  });
});
