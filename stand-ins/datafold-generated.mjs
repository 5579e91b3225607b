// @ts-check
/**
 * A Datafold whose every answer is generated from Datafold's OpenAPI (the 200 response of the
 * operation asked for), by json-schema-faker with a seed, so a run can be replayed. Nothing in
 * it is written by hand but two ties that keep a run going somewhere, each a value the schema
 * allows: a listed run's `status` (a free string in ApiCiRun) is often one the action acts on,
 * and a listed data diff's `ci_run_id` is often the run asked for. A submit's and a trigger's
 * answer (SubmitCiJob) carries both its fields, as FastAPI, which serves Datafold's API, always
 * sends them. `accept` can refuse an answer (the contract tests refuse any that Prism finds
 * invalid): another is generated in its place.
 */
import { generateSync } from 'json-schema-faker';
import { startServer } from './server.mjs';

/**
 * @typedef {object} GeneratedDatafoldOptions
 * @property {Array<{ paths: Record<string, Record<string, any>>, components: object }>} documents  Datafold's OpenAPI documents
 * @property {number} seed  the run's seed: the same seed, the same answers to the same requests
 * @property {(request: import('./server.mjs').RecordedRequest, reply: import('./server.mjs').Reply) => boolean} [accept]
 */

/** Statuses a run's listing takes, one in five left as generated. */
const RUN_STATUSES = ['done', 'failed', 'cancelled', 'running'];
/** Answers generated for one request before giving up on `accept`. */
const TRIES = 50;

/**
 * @param {GeneratedDatafoldOptions} options
 * @returns {Promise<import('./server.mjs').Server>}
 */
export async function startGeneratedDatafold({ documents, seed, accept = () => true }) {
  const operations = documents.flatMap((document) =>
    Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        // Its answer's schema, with the document's components for its $refs.
        schema: {
          ...operation.responses['200'].content['application/json'].schema,
          components: document.components
        },
        alwaysFakeOptionals:
          operation.operationId.startsWith('upload_changes_') ||
          operation.operationId.startsWith('trigger_ci_')
      }))
    )
  );
  let answered = 0;

  /**
   * @param {string} method
   * @param {URL} url
   * @returns {import('./server.mjs').Route}
   */
  function route(method, url) {
    // Trigger before `{pr_num}`, which would match it too: a literal segment wins, as in routing.
    const operation = operations
      .filter((candidate) => candidate.method === method && candidate.pattern.test(url.pathname))
      .sort((a, b) => b.pattern.source.length - a.pattern.source.length)[0];
    if (!operation)
      return { kind: 'unknown', handle: () => ({ status: 404, json: { detail: 'Not Found' } }) };
    return {
      kind: 'generated',
      handle(request) {
        const number = ++answered;
        for (let attempt = 0; attempt < TRIES; attempt++) {
          const random = prng(seed * 1_000_003 + number * 101 + attempt);
          const json = tie(
            url,
            generateSync(operation.schema, {
              seed: Math.floor(random() * 2 ** 31),
              maxItems: 4,
              alwaysFakeOptionals: operation.alwaysFakeOptionals
            }),
            random
          );
          const reply = { status: 200, json };
          if (accept(request, reply)) return reply;
        }
        throw new Error(`no acceptable answer to ${method} ${url.pathname} in ${TRIES} tries`);
      }
    };
  }

  return startServer({ route, errorJson: (status) => ({ detail: `HTTP ${status}` }) });
}

/**
 * The two ties between answers (see the top of this file), drawn with `random`.
 * @param {URL} url
 * @param {any} json
 * @param {() => number} random
 */
function tie(url, json, random) {
  if (url.pathname.endsWith('/runs') && Array.isArray(json)) {
    for (const run of json) {
      const pick = Math.floor(random() * (RUN_STATUSES.length + 1));
      if (pick < RUN_STATUSES.length) run.status = RUN_STATUSES[pick];
    }
  }
  const ciRunId = Number(url.searchParams.get('ci_run_id'));
  if (url.pathname === '/api/v1/datadiffs' && Number.isInteger(ciRunId) && json?.results) {
    for (const diff of json.results) if (random() < 0.7) diff.ci_run_id = ciRunId;
  }
  return json;
}

/**
 * mulberry32: a small seeded generator for the ties, so a seed replays a run.
 * @param {number} seed
 */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
