/**
 * The names discovery submits (docs/discovery.md). Pure: a declared name in, the production
 * and PR tables out, or the problems that keep them from being named.
 *
 * Each side fills the `${key}` placeholders with its own params (`prod-params`, `pr-params`,
 * the SDK's `--reference-params` and `--pr-params`), then shapes the name with its template
 * (`prod-table`, `pr-table`). Without a `pr-table`, SQLMesh's PR table is the model's table
 * in the pull request's virtual environment.
 */
import type { Params, TableTemplate, TemplatePlaceholder } from '../../inputs/discovery.js';
import type { NamePart } from './sql.js';

export interface Naming {
  prodParams: Params;
  prParams: Params;
  prodTable?: TableTemplate;
  prTable?: TableTemplate;
  prNumber: number;
  /** With `discover: sqlmesh`: the environment holding the PR's tables, already sanitised. */
  sqlmeshEnvironment?: string;
}

export type Named = { prod: string; pr: string } | { problems: string[] };

const PLACEHOLDER = /\$\{([^}]*)\}/g;

export function nameTables(name: NamePart[], naming: Naming): Named {
  const problems: string[] = [];
  const prodParts = filled(name, naming.prodParams, 'prod-params', problems);
  const prParts = filled(name, naming.prParams, 'pr-params', problems);
  if (problems.length > 0) return { problems };
  const prod = naming.prodTable
    ? shaped(naming.prodTable, prodParts, 'prod-table', naming.prNumber, problems)
    : prodParts.join('.');
  const pr = naming.prTable
    ? shaped(naming.prTable, prParts, 'pr-table', naming.prNumber, problems)
    : naming.sqlmeshEnvironment !== undefined
      ? inEnvironment(prParts, naming.sqlmeshEnvironment, problems)
      : prParts.join('.');
  return problems.length > 0 ? { problems } : { prod, pr };
}

/**
 * The parts with each `${key}` filled in from `params`; a part that may split does so at the
 * dots its values brought. A key without a value is a problem naming the input.
 */
function filled(name: NamePart[], params: Params, input: string, problems: string[]): string[] {
  const missing = new Set<string>();
  const parts = name.flatMap(({ text, splits }) => {
    const value = text.replace(PLACEHOLDER, (placeholder, key: string) => {
      const given = params.get(key);
      if (given === undefined) missing.add(placeholder);
      return given ?? placeholder;
    });
    return splits ? value.split('.') : [value];
  });
  for (const placeholder of missing) problems.push(`${placeholder} has no value in "${input}"`);
  return parts;
}

const PART_INDEX: Record<Exclude<TemplatePlaceholder, 'name' | 'pr'>, number> = {
  catalog: 3,
  schema: 2,
  table: 1
};

/** A template filled in with a name's parts (`{table}` the last, `{schema}` the one before, …). */
function shaped(
  template: TableTemplate,
  parts: string[],
  input: string,
  prNumber: number,
  problems: string[]
): string {
  const name = parts.join('.');
  return template.pieces
    .map((piece) => {
      if (typeof piece === 'string') return piece;
      const { placeholder } = piece;
      if (placeholder === 'name') return name;
      if (placeholder === 'pr') return String(prNumber);
      const part = parts[parts.length - PART_INDEX[placeholder]];
      if (part === undefined)
        problems.push(
          `"${input}" (${template.text}) uses {${placeholder}}, but ${name} has no ${placeholder} part`
        );
      return part ?? '';
    })
    .join('');
}

/**
 * A model's table in a SQLMesh virtual environment: `schema__ENV.table`, the catalog kept
 * (sqlmesh/core/snapshot/definition.py, `schema_for_environment`, with the default
 * `environment_suffix_target: schema`).
 */
function inEnvironment(parts: string[], environment: string, problems: string[]): string {
  if (parts.length < 2) {
    problems.push(
      `${parts.join('.')} has no schema, so it has no table in SQLMesh's environment "${environment}": name the model schema.table, or set "pr-table"`
    );
    return '';
  }
  return parts
    .map((part, i) => (i === parts.length - 2 ? `${part}__${environment}` : part))
    .join('.');
}

/**
 * The environment SQLMesh's GitHub CI/CD bot creates for a pull request, or the one given.
 * The bot names it `<repository>_<PR number>` (`GithubController.pr_environment_name` in
 * sqlmesh/integrations/github/cicd/controller.py, where the bot config's `pr_environment_name`
 * replaces the repository's name: a project that sets it sets `sqlmesh-environment`), and
 * SQLMesh sanitises every environment name (`Environment.sanitize_name` in
 * sqlmesh/core/environment.py, through `word_characters_only` in sqlmesh/utils/__init__.py):
 * each character that is not a word character (Python's Unicode `\w`: letters, digits and
 * `_`) becomes `_`, then the name is lower-cased.
 */
export function sqlmeshEnvironment(given: string, repository: string, prNumber: number): string {
  const name = given === '' ? `${repository}_${prNumber}` : given;
  return name.replace(/[^\p{L}\p{N}_]/gu, '_').toLowerCase();
}
