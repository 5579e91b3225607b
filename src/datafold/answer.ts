import * as z from 'zod/mini';
import { ActionError } from '../runtime/errors.js';
import { excerpt } from '../inputs/secrets.js';

// Datafold's answers are checked against their documented shape (Datafold's OpenAPI, down to
// the fields the action reads), and a wrong one is described in plain words: the field, what
// the API documents for it, and what came instead. Never a validator's "Invalid input".

type Schema = z.core.$ZodType;

/** Problems named in one message; the rest are counted. */
const PROBLEMS_NAMED = 3;

/**
 * Datafold's answer to `request` ("POST /api/v1/ci/1/2"), checked against `schema`: a wrong one
 * is an error naming what was asked (`what`), each wrong field, and the answer itself.
 */
export function parseAnswer<T>(
  schema: z.ZodMiniType<T>,
  json: unknown,
  { what, request }: { what: string; request: string }
): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const issue of result.error.issues) {
    const path = issuePath(schema, issue.path);
    const where = fieldName(path);
    if (seen.has(where)) continue;
    seen.add(where);
    problems.push(problem(where, describe(schemaAt(schema, path)), valueAt(json, path)));
  }
  const more = problems.length - PROBLEMS_NAMED;
  throw new ActionError(
    `${what} is not what the Datafold API returns (${request}): ${problems
      .slice(0, PROBLEMS_NAMED)
      .join('; ')}${more > 0 ? `; and ${more} more` : ''}. It was: ${excerpt(
      JSON.stringify(json) ?? String(json)
    )}`
  );
}

function problem(where: string, expected: string, value: unknown): string {
  if (value === undefined) return `${where} is missing (it should be ${expected})`;
  return `${where} should be ${expected}, found ${excerpt(JSON.stringify(value), 80)}`;
}

/** An issue inside a fixed-length list (a pair of counts) is named at the list: "two whole numbers". */
function issuePath(schema: Schema, path: PropertyKey[]): PropertyKey[] {
  for (let end = 0; end < path.length; end++) {
    const parent = schemaAt(schema, path.slice(0, end));
    if (parent && def(unwrap(parent)).type === 'tuple') return path.slice(0, end);
  }
  return path;
}

/** `pks.total_rows`, `results[3].status`, `[0].id`; the whole answer when the path is empty. */
function fieldName(path: PropertyKey[]): string {
  if (path.length === 0) return 'the answer';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function valueAt(json: unknown, path: PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** What the action reads of zod's definition of a schema: the parts that say what it admits. */
interface Definition {
  type: string;
  /** optional, nullable */
  innerType: Schema;
  /** pipe: the schema before its transform */
  in: Schema;
  shape: Record<string, Schema>;
  element: Schema;
  items: Schema[];
  valueType: Schema;
  options: Schema[];
  entries: Record<string, string | number>;
  values: unknown[];
  format?: string;
  checks?: Schema[];
}

const def = (schema: Schema) => schema._zod.def as unknown as Definition;

/** Without its optional and nullable wrappers, and before any transform. */
function unwrap(schema: Schema): Schema {
  const d = def(schema);
  if (d.type === 'optional' || d.type === 'nullable') return unwrap(d.innerType);
  return d.type === 'pipe' ? unwrap(d.in) : schema;
}

/** The schema of the field at `path`, or undefined where the schema says nothing of it. */
function schemaAt(schema: Schema | undefined, path: PropertyKey[]): Schema | undefined {
  if (path.length === 0 || schema === undefined) return schema;
  const [key, ...rest] = path;
  const d = def(unwrap(schema));
  switch (d.type) {
    case 'object':
      return schemaAt(d.shape[String(key)], rest);
    case 'array':
      return schemaAt(d.element, rest);
    case 'tuple':
      return schemaAt(d.items[Number(key)], rest);
    case 'record':
      return schemaAt(d.valueType, rest);
    case 'union': {
      // The field as any of the answer's documented variants has it.
      const options = d.options
        .map((option) => schemaAt(option, path))
        .filter((option) => option !== undefined);
      return options.length > 1 ? z.union(options) : options[0];
    }
    default:
      return undefined;
  }
}

/** What a schema admits, in words: "a whole number or null", "a list of two whole numbers". */
function describe(schema: Schema | undefined): string {
  return schema === undefined ? 'something else' : words(schema, 'one');
}

/** A schema in words, for one value ("a whole number") or for several ("whole numbers"). */
function words(schema: Schema, count: 'one' | 'many'): string {
  const one = count === 'one';
  const d = def(schema);
  switch (d.type) {
    case 'optional':
      return words(d.innerType, count);
    case 'pipe':
      return words(d.in, count);
    case 'nullable':
      return `${words(d.innerType, count)} or ${one ? 'null' : 'nulls'}`;
    case 'number':
      return `${one ? 'a ' : ''}${isWhole(d) ? 'whole ' : ''}number${one ? '' : 's'}`;
    case 'string':
      return one ? 'a string' : 'strings';
    case 'boolean':
      return 'true or false';
    case 'enum':
    case 'literal':
      return oneOf(choices(d));
    case 'array':
      return `${one ? 'a list' : 'lists'} of ${words(d.element, 'many')}`;
    case 'tuple': {
      const items = d.items.map((item) => words(item, 'many'));
      return new Set(items).size === 1
        ? `${one ? 'a list' : 'lists'} of ${COUNTS[items.length] ?? items.length} ${items[0]}`
        : `${one ? 'a list' : 'lists'} of ${d.items.map(describe).join(', then ')}`;
    }
    case 'object':
    case 'record':
      return one ? 'an object' : 'objects';
    case 'union': {
      const options = d.options.map((option) => def(unwrap(option)));
      if (options.every(({ type }) => type === 'enum' || type === 'literal'))
        return oneOf(options.flatMap(choices));
      return [...new Set(d.options.map((option) => words(option, count)))].join(' or ');
    }
    default:
      return 'anything';
  }
}

const COUNTS = ['no', 'one', 'two', 'three', 'four'];

function isWhole(d: Definition): boolean {
  const formats = [d.format, ...(d.checks ?? []).map((check) => def(check).format)];
  return formats.some((format) => format === 'safeint' || format === 'int32' || format === 'int64');
}

function choices(d: Definition): string[] {
  return (d.type === 'enum' ? Object.values(d.entries) : d.values).map(String);
}

function oneOf(values: string[]): string {
  const unique = [...new Set(values)];
  return unique.length === 1 ? `"${unique[0]}"` : `one of ${unique.join(', ')}`;
}
