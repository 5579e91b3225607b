// @ts-check
// Renders the Inputs and Outputs tables of README.md from action.yml.
//
//   node scripts/docs.mjs           rewrite README.md between the marker comments
//   node scripts/docs.mjs --check   exit 1, naming the tables that drifted, without writing
//
// action.yml is read with the `yaml` package: its top-level `inputs:` and `outputs:` maps of
// name -> properties, in the order they are declared.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

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
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isMap(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A scalar as text: action.yml may write `default: false` or `default: 60` unquoted.
 * @param {unknown} value
 * @returns {string}
 */
function scalar(value) {
  return value === undefined || value === null ? '' : String(value);
}

/**
 * The `name -> properties` entries of a top-level map (`inputs:` or `outputs:`), in order.
 * @param {Record<string, unknown>} metadata
 * @param {Section} section
 * @returns {Array<[string, Record<string, unknown>]>}
 */
function entries(metadata, section) {
  const map = metadata[section];
  if (map === undefined || map === null) return [];
  if (!isMap(map)) throw new Error(`action.yml: "${section}" is not a map`);
  return Object.entries(map).map(([name, props]) => {
    if (props !== null && !isMap(props)) {
      throw new Error(`action.yml: ${section}.${name} is not a map of properties`);
    }
    return [name, props ?? {}];
  });
}

/**
 * Reads the inputs and outputs declared by an action.yml text.
 * @param {string} actionYmlText
 * @returns {ActionMetadata}
 */
export function parseActionYml(actionYmlText) {
  /** @type {unknown} */
  const metadata = parse(actionYmlText);
  if (!isMap(metadata)) throw new Error('action.yml: the top level is not a map');
  const inputs = entries(metadata, 'inputs').map(([name, props]) => ({
    name,
    description: scalar(props.description),
    required: props.required === true || /^(true|yes|on)$/i.test(scalar(props.required)),
    default:
      props.default === undefined || props.default === null ? undefined : scalar(props.default)
  }));
  const outputs = entries(metadata, 'outputs').map(([name, props]) => ({
    name,
    description: scalar(props.description)
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
