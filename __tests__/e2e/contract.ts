/**
 * Datafold's contract, checked by a tool nobody here wrote: every request a stand-in received and
 * every answer it gave, against Datafold's own OpenAPI files (__fixtures__/datafold-openapi/,
 * unchanged), with Stoplight Prism's router and validators (`@stoplight/prism-http`, the engine
 * of Prism's mock server and validation proxy). The stand-ins and the client come from the same
 * hands; this is the check that does not.
 */
import { expect } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { IPrismDiagnostic } from '@stoplight/prism-core';
import type { IHttpRequest } from '@stoplight/prism-http';
import type { IHttpOperation } from '@stoplight/types';
import { parse } from 'yaml';
import type { RecordedRequest } from '../../stand-ins/server.mjs';

// Prism is CommonJS; its router and validators are loaded as Prism's own server loads them.
const require = createRequire(import.meta.url);
type Validation<T> = { _tag: 'Left'; left: IPrismDiagnostic[] } | { _tag: 'Right'; right: T };
const { getHttpOperationsFromSpec } = require('@stoplight/prism-http/dist/utils/operations') as {
  getHttpOperationsFromSpec: (spec: object) => Promise<IHttpOperation[]>;
};
const router = require('@stoplight/prism-http/dist/router') as {
  default: (options: {
    resources: IHttpOperation[];
    input: IHttpRequest;
  }) => { _tag: 'Left'; left: Error } | { _tag: 'Right'; right: IHttpOperation };
};
type Validator<T> = (options: { resource: IHttpOperation; element: T }) => Validation<T>;
interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}
const validators = require('@stoplight/prism-http/dist/validator') as {
  validateInput: Validator<IHttpRequest>;
  validateOutput: Validator<Answer>;
  validateSecurity: Validator<IHttpRequest>;
};

/** Datafold's OpenAPI files, as Datafold publishes them. */
export const OPENAPI_FILES = ['ci.yml', 'data-diffs.yml'].map(
  (name) => new URL(`../../__fixtures__/datafold-openapi/${name}`, import.meta.url)
);

/** An OpenAPI document, as far as these tests read it. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: object;
}

export interface OpenApiOperation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

/** Each OpenAPI file, parsed. */
export async function openApiDocuments(): Promise<OpenApiDocument[]> {
  return Promise.all(
    OPENAPI_FILES.map(async (file) => parse(await readFile(file, 'utf8')) as OpenApiDocument)
  );
}

/** What the contract says about one exchange. */
export interface Verdict {
  /** `METHOD /path?query` as sent. */
  request: string;
  /** The OpenAPI operation it was routed to. */
  operation?: string;
  /** Whether the answer was checked: not for a scripted fault, nor a status the OpenAPI does not document. */
  answerChecked: boolean;
  /** Every way the request or the answer departs from the contract, in Prism's words. */
  problems: string[];
}

export interface Contract {
  /**
   * The verdict on each request a stand-in received, and on the answer it gave; `basePath` is a
   * prefix of the host's address ("host: https://example.com/prefix") that the OpenAPI's paths lack.
   */
  check(requests: RecordedRequest[], options?: { basePath?: string }): Verdict[];
}

let loading: Promise<Contract> | undefined;

/** Datafold's operations, read once per test file. */
export function datafoldContract(): Promise<Contract> {
  loading ??= (async () => {
    const documents = await openApiDocuments();
    // An OpenAPI 3.1 document's schemas are JSON Schema 2020-12 unless it says otherwise, but
    // Prism reads a document without `jsonSchemaDialect` as draft-07, which ignores `prefixItems`
    // (Datafold's pairs of counts): stoplightio/prism#2797. Saying so, in memory, is the
    // documented default, not a change to Datafold's files.
    const operations = (
      await Promise.all(
        documents.map((document) =>
          getHttpOperationsFromSpec({
            ...document,
            jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema'
          })
        )
      )
    ).flat();
    return {
      check: (requests, { basePath = '' } = {}) =>
        requests.map((request) => verdict(operations, request, basePath))
    };
  })();
  return loading;
}

function verdict(
  operations: IHttpOperation[],
  recorded: RecordedRequest,
  basePath: string
): Verdict {
  const url = new URL(recorded.path, 'http://stand-in');
  const request = `${recorded.method} ${url.pathname}${url.search}`;
  const path = url.pathname.startsWith(`${basePath}/`)
    ? url.pathname.slice(basePath.length)
    : url.pathname;
  const input: IHttpRequest = {
    method: recorded.method.toLowerCase() as IHttpRequest['method'],
    url: { path, query: queryOf(url.searchParams) },
    headers: headersOf(recorded.headers),
    body: recorded.json
  };
  const routed = router.default({ resources: operations, input });
  if (routed._tag === 'Left')
    return {
      request,
      answerChecked: false,
      problems: [`no such operation: ${routed.left.message}`]
    };
  const resource = routed.right;
  const problems = [
    ...diagnostics(validators.validateSecurity({ resource, element: input })),
    ...diagnostics(validators.validateInput({ resource, element: input }))
  ].map((message) => `request: ${message}`);
  const reply = recorded.reply;
  const documented = resource.responses.some(({ code }) => code === String(reply?.status));
  const answerChecked = reply !== undefined && recorded.fault === undefined && documented;
  if (answerChecked) {
    const answer: Answer = {
      statusCode: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
      body: reply.json !== undefined ? reply.json : reply.body
    };
    for (const message of diagnostics(validators.validateOutput({ resource, element: answer })))
      problems.push(`answer ${reply.status}: ${message}`);
  }
  return { request, operation: resource.iid, answerChecked, problems };
}

/** The errors of a validation; Prism's warnings (severity above 0) are not departures. */
function diagnostics<T>(validation: Validation<T>): string[] {
  if (validation._tag === 'Right') return [];
  return validation.left
    .filter(({ severity }) => severity === 0)
    .map(({ message, code }) => `${message}${code === undefined ? '' : ` (${code})`}`);
}

function queryOf(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

function headersOf(headers: RecordedRequest['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]]
    )
  );
}

/**
 * Asserts that every request a stand-in received, and every answer it gave but scripted faults,
 * keeps Datafold's contract; returns the verdicts, for counting what was checked.
 */
export async function expectContract(
  server: { requests: RecordedRequest[] },
  options?: { basePath?: string }
): Promise<Verdict[]> {
  const verdicts = (await datafoldContract()).check(server.requests, options);
  expect(verdicts.filter(({ problems }) => problems.length > 0)).toEqual([]);
  return verdicts;
}
