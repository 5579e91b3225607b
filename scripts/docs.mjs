// @ts-check
// Renders the Inputs and Outputs tables of README.md from action.yml.
//
//   node scripts/docs.mjs           rewrite README.md between the marker comments
//   node scripts/docs.mjs --check   exit 1, naming the tables that drifted, without writing
//
// action.yml is read with a small line parser for the shape an action metadata file has
// (top-level `inputs:` / `outputs:` maps of name -> properties), so no YAML dependency is
// needed. It understands plain, 'single' and "double" quoted scalars, `|` / `>` block
// scalars, continuation lines and comments.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * @typedef {object} InputSpec
 * @property {string} name
 * @property {string} description
 * @property {boolean} required
 * @property {string | undefined} default
 */

/**
 * @typedef {object} OutputSpec
 * @property {string} name
 * @property {string} description
 */

/**
 * @typedef {object} ActionMetadata
 * @property {InputSpec[]} inputs
 * @property {OutputSpec[]} outputs
 */

/** @typedef {'inputs' | 'outputs'} Section */

/** @type {readonly Section[]} */
export const SECTIONS = ['inputs', 'outputs'];

/**
 * @param {string} line
 * @returns {number}
 */
function indentOf(line) {
  return line.length - line.trimStart().length;
}

/**
 * @param {string} line
 * @returns {boolean}
 */
function isBlankOrComment(line) {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/**
 * Removes a trailing ` # comment` from a plain scalar.
 * @param {string} text
 * @returns {string}
 */
function stripComment(text) {
  const match = /(^|\s)#/.exec(text);
  return (match ? text.slice(0, match.index) : text).trim();
}

/**
 * @param {string} body the text between the double quotes
 * @returns {string}
 */
function unescapeDoubleQuoted(body) {
  /** @type {Record<string, string>} */
  const simple = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', ' ': ' ', 0: '\0' };
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (whole, code) => {
    if (code.length > 1) return String.fromCharCode(parseInt(code.slice(1), 16));
    return simple[code] ?? whole;
  });
}

/**
 * Folds the lines of a multi-line flow scalar the way YAML does: single line breaks
 * become spaces, empty lines become newlines.
 * @param {string[]} lines
 * @returns {string}
 */
function foldLines(lines) {
  let out = '';
  let pendingBreaks = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      pendingBreaks += 1;
      continue;
    }
    if (out !== '') out += pendingBreaks > 0 ? '\n'.repeat(pendingBreaks) : ' ';
    out += line;
    pendingBreaks = 0;
  }
  return out;
}

/**
 * Reads the scalar that starts at `first` (the text after `key:`) and may continue on
 * `rest` (the following lines that are indented deeper than the key).
 * @param {string} first
 * @param {string[]} rest
 * @returns {string}
 */
function readScalar(first, rest) {
  const head = first.trim();
  const block = /^([|>])([+-]?)[0-9]?\s*(#.*)?$/.exec(head);
  if (block) {
    const nonBlank = rest.filter((line) => line.trim() !== '');
    const cut = nonBlank.length ? Math.min(...nonBlank.map(indentOf)) : 0;
    const lines = rest.map((line) => line.slice(cut));
    while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
    const body = block[1] === '|' ? lines.join('\n') : foldLines(lines);
    return block[2] === '-' ? body : `${body}\n`;
  }
  if (head.startsWith('"') || head.startsWith("'")) {
    const quote = head[0];
    const joined = foldLines([head.slice(1), ...rest]);
    let end = 0;
    while (end < joined.length) {
      const char = joined[end];
      if (quote === '"' && char === '\\') end += 2;
      else if (quote === "'" && char === "'" && joined[end + 1] === "'") end += 2;
      else if (char === quote) break;
      else end += 1;
    }
    const body = joined.slice(0, end);
    return quote === '"' ? unescapeDoubleQuoted(body) : body.replace(/''/g, "'");
  }
  return foldLines([stripComment(head), ...rest.map(stripComment)]);
}

/**
 * Parses a top-level `section:` map of `name:` -> `{ key: scalar }` entries.
 * @param {string[]} lines
 * @param {Section} section
 * @returns {Map<string, Map<string, string>>}
 */
function readSection(lines, section) {
  /** @type {Map<string, Map<string, string>>} */
  const entries = new Map();
  const start = lines.findIndex((line) => new RegExp(`^${section}:\\s*(#.*)?$`).test(line));
  if (start === -1) return entries;

  let end = start + 1;
  while (end < lines.length && (isBlankOrComment(lines[end]) || indentOf(lines[end]) > 0)) end++;
  const body = lines.slice(start + 1, end);

  const entryIndent = Math.min(
    ...body.filter((line) => !isBlankOrComment(line)).map(indentOf),
    Number.POSITIVE_INFINITY
  );
  /** @type {Map<string, string> | undefined} */
  let current;
  let propIndent = -1;
  for (let i = 0; i < body.length; i++) {
    const line = body[i];
    if (isBlankOrComment(line)) continue;
    const indent = indentOf(line);
    const keyMatch = /^([^\s#:][^:]*?):(?:\s+(.*))?$/.exec(line.trim());
    if (indent === entryIndent) {
      if (!keyMatch) throw new Error(`action.yml: cannot read "${line.trim()}" under ${section}:`);
      current = new Map();
      entries.set(keyMatch[1].trim(), current);
      propIndent = -1;
      continue;
    }
    if (!current) continue;
    if (propIndent === -1) propIndent = indent;
    if (indent !== propIndent || !keyMatch) continue;
    const rest = [];
    while (
      i + 1 < body.length &&
      (body[i + 1].trim() === '' || indentOf(body[i + 1]) > propIndent)
    ) {
      rest.push(body[++i]);
    }
    current.set(keyMatch[1].trim(), readScalar(keyMatch[2] ?? '', rest));
  }
  return entries;
}

/**
 * Reads the inputs and outputs declared by an action.yml text.
 * @param {string} actionYmlText
 * @returns {ActionMetadata}
 */
export function parseActionYml(actionYmlText) {
  const lines = actionYmlText.replace(/^\uFEFF/, '').split(/\r?\n/);
  const inputs = [...readSection(lines, 'inputs')].map(([name, props]) => ({
    name,
    description: props.get('description') ?? '',
    required: /^(true|yes|on)$/i.test(props.get('required') ?? ''),
    default: props.get('default')
  }));
  const outputs = [...readSection(lines, 'outputs')].map(([name, props]) => ({
    name,
    description: props.get('description') ?? ''
  }));
  return { inputs, outputs };
}

/**
 * Makes text safe for one Markdown table cell.
 * @param {string} text
 * @returns {string}
 */
function cell(text) {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

/**
 * An inline code span that survives backticks inside the value.
 * @param {string} text
 * @returns {string}
 */
function code(text) {
  const value = text.replace(/\s+/g, ' ').trim();
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/**
 * Display width of a cell, as Prettier measures it for plain text.
 * @param {string} text
 * @returns {number}
 */
function width(text) {
  return [...text].length;
}

/**
 * Renders rows as a Markdown table aligned the way Prettier formats it, so that
 * `prettier --check` and `docs --check` agree on README.md.
 * @param {string[]} header
 * @param {string[][]} rows
 * @returns {string}
 */
function renderTable(header, rows) {
  const widths = header.map((title, column) =>
    Math.max(3, width(title), ...rows.map((row) => width(row[column])))
  );
  /** @param {string[]} row */
  const line = (row) =>
    `| ${row.map((text, column) => text + ' '.repeat(widths[column] - width(text))).join(' | ')} |`;
  const rule = `| ${widths.map((size) => '-'.repeat(size)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * The Inputs table: name, required, default, description.
 * @param {string} actionYmlText
 * @returns {string}
 */
export function renderInputsTable(actionYmlText) {
  const { inputs } = parseActionYml(actionYmlText);
  return renderTable(
    ['Input', 'Required', 'Default', 'Description'],
    inputs.map((input) => [
      code(input.name),
      input.required ? 'yes' : 'no',
      input.default === undefined || input.default === '' ? '' : cell(code(input.default)),
      cell(input.description)
    ])
  );
}

/**
 * The Outputs table: name, description.
 * @param {string} actionYmlText
 * @returns {string}
 */
export function renderOutputsTable(actionYmlText) {
  const { outputs } = parseActionYml(actionYmlText);
  return renderTable(
    ['Output', 'Description'],
    outputs.map((output) => [code(output.name), cell(output.description)])
  );
}

/**
 * @param {Section} section
 * @returns {{ start: string, end: string }}
 */
function markers(section) {
  return { start: `<!-- ${section}:start -->`, end: `<!-- ${section}:end -->` };
}

/**
 * The text between a section's markers, trimmed.
 * @param {string} readmeText
 * @param {Section} section
 * @returns {string}
 */
export function extractSection(readmeText, section) {
  const { start, end } = markers(section);
  const from = readmeText.indexOf(start);
  const to = readmeText.indexOf(end, from + start.length);
  if (from === -1 || to === -1) {
    throw new Error(`README.md lacks the ${start} ... ${end} markers around the ${section} table`);
  }
  return readmeText.slice(from + start.length, to).trim();
}

/**
 * @param {Section} section
 * @param {string} actionYmlText
 * @returns {string}
 */
function renderSection(section, actionYmlText) {
  return section === 'inputs'
    ? renderInputsTable(actionYmlText)
    : renderOutputsTable(actionYmlText);
}

/**
 * README.md with both tables regenerated from action.yml.
 * @param {string} readmeText
 * @param {string} actionYmlText
 * @returns {string}
 */
export function updateReadme(readmeText, actionYmlText) {
  let text = readmeText;
  for (const section of SECTIONS) {
    extractSection(text, section); // throws when the markers are missing
    const { start, end } = markers(section);
    const from = text.indexOf(start) + start.length;
    const to = text.indexOf(end, from);
    text = `${text.slice(0, from)}\n\n${renderSection(section, actionYmlText)}\n\n${text.slice(to)}`;
  }
  return text;
}

/**
 * The sections whose table in README.md differs from what action.yml renders.
 * @param {string} readmeText
 * @param {string} actionYmlText
 * @returns {Section[]}
 */
export function driftedSections(readmeText, actionYmlText) {
  return SECTIONS.filter(
    (section) => extractSection(readmeText, section) !== renderSection(section, actionYmlText)
  );
}

/**
 * @param {string[]} args
 * @returns {number} the exit code
 */
function main(args) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const readmePath = path.join(root, 'README.md');
  const actionYml = readFileSync(path.join(root, 'action.yml'), 'utf8');
  const readme = readFileSync(readmePath, 'utf8');

  const drifted = driftedSections(readme, actionYml);
  if (args.includes('--check')) {
    for (const section of drifted) {
      console.error(
        `README.md: the ${section} table differs from action.yml. Run "npm run docs" to regenerate it.`
      );
    }
    if (drifted.length === 0) console.log('README.md tables match action.yml.');
    return drifted.length ? 1 : 0;
  }
  if (drifted.length === 0) {
    console.log('README.md tables already match action.yml.');
    return 0;
  }
  writeFileSync(readmePath, updateReadme(readme, actionYml));
  console.log(
    `README.md: regenerated the ${drifted.join(' and ')} table${drifted.length > 1 ? 's' : ''} from action.yml.`
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
