/**
 * The inputs of discovery (docs/discovery.md), read into what discovery uses: `${key}` values
 * as a Map (a key such as "constructor" finds nothing it was not given) and table templates
 * as pieces, so that a misspelt placeholder fails before any request.
 */
import * as z from 'zod/mini';

export const DISCOVER_MODES = ['sql', 'sqlmesh'] as const;
export type DiscoverMode = (typeof DISCOVER_MODES)[number];

/** The parts of a table's name a template can use, and the pull request number. */
export const TEMPLATE_PLACEHOLDERS = ['name', 'catalog', 'schema', 'table', 'pr'] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** A `prod-table` or `pr-table` template: text, and placeholders to fill in. */
export interface TableTemplate {
  /** As written, for messages. */
  text: string;
  pieces: Array<string | { placeholder: TemplatePlaceholder }>;
}

export type Params = ReadonlyMap<string, string>;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PLACEHOLDERS_LISTED = TEMPLATE_PLACEHOLDERS.map((name) => `{${name}}`).join(', ');

/** A template's pieces; undefined for an empty value (the mode's default). */
export const tableTemplate = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    if (text === '') return undefined;
    const pieces: TableTemplate['pieces'] = [];
    const unknown: string[] = [];
    let at = 0;
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (match.index > at) pieces.push(text.slice(at, match.index));
      const name = match[1];
      if ((TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name))
        pieces.push({ placeholder: name as TemplatePlaceholder });
      else unknown.push(match[0]);
      at = match.index + match[0].length;
    }
    if (at < text.length) pieces.push(text.slice(at));
    const namesTable = pieces.some(
      (piece) => typeof piece !== 'string' && ['name', 'table'].includes(piece.placeholder)
    );
    if (unknown.length === 0 && namesTable) return { text, pieces } satisfies TableTemplate;
    ctx.issues.push({
      code: 'custom',
      input: text,
      message:
        unknown.length > 0
          ? `"${text}" is not valid: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a placeholder' : 'are not placeholders'}; use ${PLACEHOLDERS_LISTED}`
          : `"${text}" is not valid: it does not name the table; use {name} or {table} in it, e.g. {schema}_pr_{pr}.{table}`
    });
    return z.NEVER;
  })
);

const PARAMS_EXAMPLE = 'e.g. {"target_schema": "pr_42"}';

/** `${key}` values from a JSON object of strings; empty: none. */
export const jsonParams = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    if (text === '') return new Map() as Params;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const refuse = (why: string) => {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `${why}: use a JSON object of strings, ${PARAMS_EXAMPLE}`
      });
      return z.NEVER;
    };
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return refuse(`"${text}" is not valid`);
    const notText = Object.entries(value).filter(([, item]) => typeof item !== 'string');
    if (notText.length > 0)
      return refuse(
        notText
          .map(([key, item]) => `the value of "${key}" is ${JSON.stringify(item)}, not a string`)
          .join('; ')
      );
    return new Map(Object.entries(value as Record<string, string>)) as Params;
  })
);
