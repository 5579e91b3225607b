// @ts-check
/**
 * A loopback stand-in for Datafold's CI API (the protocol Datafold's SDK speaks), with the state
 * model that matters to the action: a CI run waits for diffs per pull request, a submit
 * consumes it (so a second submit gets nulls, which is how double submissions show), the
 * trigger endpoint creates one, and submitted runs move through a status sequence as they
 * are polled. Each submitted entry becomes a data diff of the run, served as Datafold's
 * data-diffs API does (data-diffs.yml in its OpenAPI): the list pages and filters by
 * `ci_run_id`, and each diff has its `summary_results` (done, failed or running). A diff may
 * finish over time, as its run's diffs are listed: until then it is listed `processing` with no result
 * and `done: false`, and its `summary_results` answers pending, then running.
 * Error bodies have FastAPI's shapes, as Datafold's do.
 */
import { STATUS_CODES } from 'node:http';
import { startServer } from './server.mjs';

/** @typedef {import('./server.mjs').RecordedRequest} RecordedRequest */
/** @typedef {import('./server.mjs').Reply} Reply */

/**
 * A CI run as the runs endpoint lists it, plus what the stand-in tracks about it.
 * @typedef {object} CiRun
 * @property {number} id  the ci_run_id
 * @property {string | null} base_branch
 * @property {string | null} base_sha
 * @property {string | null} pr_branch
 * @property {string | null} pr_sha
 * @property {number} pr_num
 * @property {string} status  'waiting' until diffs are submitted, then `statusSequence`
 * @property {string} source
 * @property {number | null} run_id  set when diffs are submitted
 * @property {number} polls  how many times the runs endpoint has listed it since the submit
 * @property {number} listings  how many times its data diffs have been listed (page 1)
 */

/**
 * What Datafold knows about a waiting run (it learns it from GitHub's webhook). Give `pr_sha`
 * when the scenario uses `wait`: the action finds its run by `pr_sha`.
 * @typedef {object} WaitingRun
 * @property {number} pr_num
 * @property {string} [pr_sha]
 * @property {string} [pr_branch]
 * @property {string} [base_sha]
 * @property {string} [base_branch]
 */

/**
 * @typedef {object} Submission
 * @property {number} configId
 * @property {number} prNum
 * @property {unknown[]} diffs  the body as received
 * @property {number} ci_run_id
 * @property {number} run_id
 */

/**
 * How a data diff turns out. `summary` replaces the `summary_results` answer made from `result`.
 * @typedef {object} DiffOutcome
 * @property {DiffResult | null} [result]  default 'identical'
 * @property {string} [status]  the diff's JobStatus (default 'done', 'failed' for 'error', 'processing' for null)
 * @property {unknown} [summary]
 * @property {number} [finishAfter]  the diff finishes once its run's data diffs have been listed
 *   this many times (default 0: finished from the start); until then it runs
 */

/** @typedef {'error' | 'bad-pks' | 'different' | 'missing-pks' | 'identical' | 'empty'} DiffResult */

/**
 * A data diff as the stand-in keeps it.
 * @typedef {object} DataDiff
 * @property {number} id
 * @property {number | null} ci_run_id
 * @property {string} prod
 * @property {string} pr
 * @property {DiffResult | null} result
 * @property {string} status
 * @property {unknown} summary  the summary_results answer
 * @property {number} finishAfter  listings of its run before it finishes
 */

/**
 * A data diff of another run, already in Datafold before the action's run.
 * @typedef {DiffOutcome & { ci_run_id: number | null, prod?: string, pr?: string }} OtherDiff
 */

/**
 * @typedef {object} DatafoldOptions
 * @property {string} [apiKey]  the key `Authorization: Key <apiKey>` must carry (default 'test-api-key')
 * @property {number[]} [configIds]  known CI config ids (default: any)
 * @property {Array<number | WaitingRun>} [waitingPrs]  PRs with a CI run waiting (default: every PR, once)
 * @property {string[]} [statusSequence]  statuses a submitted run reports, one step per listing (default ['done'])
 * @property {DiffOutcome[]} [diffOutcomes]  how the data diffs of each submission turn out, by entry (default: identical)
 * @property {OtherDiff[]} [otherDiffs]  data diffs of other runs, created first
 * @property {boolean} [ignoreRunFilter]  list every run's diffs whatever `ci_run_id` asks, as a server may that does not know the filter
 */

/**
 * @typedef {import('./server.mjs').Server & {
 *   state: { runs: CiRun[], accepted: Submission[], waiting: Map<number, CiRun>, dataDiffs: DataDiff[] }
 * }} Datafold
 */

const CI_PATH = /^\/api\/v1\/ci\/([^/]+)\/([^/]+)$/;
const DATADIFFS_PATH = /^\/api\/v1\/datadiffs(?:\/([^/]+)\/summary_results)?$/;
const SUBMIT_FIELDS = ['prod', 'pr', 'pk'];
const TRIGGER_FIELDS = ['pr_number', 'base_branch', 'base_sha', 'pr_sha', 'pr_branch'];

/**
 * @param {DatafoldOptions} [options]
 * @returns {Promise<Datafold>}
 */
export async function startDatafold(options = {}) {
  const {
    apiKey = 'test-api-key',
    configIds,
    waitingPrs,
    statusSequence = ['done'],
    diffOutcomes = [],
    otherDiffs = [],
    ignoreRunFilter = false
  } = options;
  const state = {
    /** @type {CiRun[]} oldest first */
    runs: [],
    /** @type {Submission[]} */
    accepted: [],
    /** @type {Map<number, CiRun>} the run waiting for diffs, by PR number */
    waiting: new Map(),
    /** @type {DataDiff[]} oldest first */
    dataDiffs: []
  };
  // Without `waitingPrs` every PR starts with a run waiting; remember whose was used up.
  const everyPrWaits = waitingPrs === undefined;
  const usedImplicitRun = new Set();
  let nextRunId = 5001;

  /** @param {WaitingRun} facts */
  function createRun(facts) {
    /** @type {CiRun} */
    const run = {
      id: 1001 + state.runs.length,
      base_branch: facts.base_branch ?? null,
      base_sha: facts.base_sha ?? null,
      pr_branch: facts.pr_branch ?? null,
      pr_sha: facts.pr_sha ?? null,
      pr_num: facts.pr_num,
      status: 'waiting',
      source: 'api',
      run_id: null,
      polls: 0,
      listings: 0
    };
    state.runs.push(run);
    state.waiting.set(run.pr_num, run);
    return run;
  }
  for (const pr of waitingPrs ?? []) createRun(typeof pr === 'number' ? { pr_num: pr } : pr);

  /**
   * @param {number | null} ciRunId
   * @param {string} prod
   * @param {string} pr
   * @param {DiffOutcome} outcome
   */
  function createDataDiff(ciRunId, prod, pr, outcome) {
    const result = outcome.result === undefined ? 'identical' : outcome.result;
    const status =
      outcome.status ?? (result === null ? 'processing' : result === 'error' ? 'failed' : 'done');
    state.dataDiffs.push({
      id: 70001 + state.dataDiffs.length,
      ci_run_id: ciRunId,
      prod,
      pr,
      result,
      status,
      summary: outcome.summary ?? summaryFor(result),
      finishAfter: outcome.finishAfter ?? 0
    });
  }

  /**
   * A diff as Datafold shows it now: still running until its run's data diffs have been listed
   * `finishAfter` times (a client lists them once per poll, as it lists the run: the two stay in
   * step whichever request of a poll arrives first), then as it turned out.
   * @param {DataDiff} diff
   * @returns {DataDiff}
   */
  function now(diff) {
    const run = state.runs.find(({ id }) => id === diff.ci_run_id);
    const listings = run?.listings ?? Infinity;
    if (listings >= diff.finishAfter) return diff;
    const summary = { status: listings === 0 ? 'pending' : 'running' };
    return { ...diff, result: null, status: 'processing', summary };
  }
  otherDiffs.forEach((diff, i) =>
    createDataDiff(diff.ci_run_id, diff.prod ?? `PROD.OTHER_${i}`, diff.pr ?? `PR.OTHER_${i}`, diff)
  );

  /** @param {number} prNum */
  function takeWaitingRun(prNum) {
    if (everyPrWaits && !usedImplicitRun.has(prNum)) {
      usedImplicitRun.add(prNum);
      if (!state.waiting.has(prNum)) createRun({ pr_num: prNum });
    }
    const run = state.waiting.get(prNum);
    state.waiting.delete(prNum);
    return run;
  }

  /**
   * @param {number} configId
   * @param {number} prNum
   * @param {RecordedRequest} request
   * @returns {Reply}
   */
  function submit(configId, prNum, request) {
    const diffs = request.json;
    if (!Array.isArray(diffs))
      return invalid([['body'], 'value is not a valid list', 'type_error.list']);
    const missing = diffs.flatMap((entry, i) => missingFields(entry, SUBMIT_FIELDS, ['body', i]));
    if (missing.length > 0) return invalid(...missing);

    const run = takeWaitingRun(prNum);
    if (!run) return { status: 200, json: { ci_run_id: null, run_id: null } };
    run.run_id = nextRunId++;
    state.accepted.push({ configId, prNum, diffs, ci_run_id: run.id, run_id: run.run_id });
    diffs.forEach((entry, i) =>
      createDataDiff(run.id, entry.prod, entry.pr, diffOutcomes[i] ?? {})
    );
    return { status: 200, json: { ci_run_id: run.id, run_id: run.run_id } };
  }

  /** @param {RecordedRequest} request @returns {Reply} */
  function trigger(request) {
    const missing = missingFields(request.json, TRIGGER_FIELDS, ['body']);
    if (missing.length > 0) return invalid(...missing);
    const body = /** @type {Record<string, any>} */ (request.json);
    if (!Number.isInteger(body.pr_number))
      return invalid([['body', 'pr_number'], 'value is not a valid integer', 'type_error.integer']);
    const { pr_number, pr_sha, pr_branch, base_sha, base_branch } = body;
    // A new trigger replaces the run the PR was waiting with, if any.
    const run = createRun({ pr_num: pr_number, pr_sha, pr_branch, base_sha, base_branch });
    return { status: 200, json: { ci_run_id: run.id } };
  }

  /** @param {URLSearchParams} query @returns {Reply} */
  function listRuns(query) {
    const prSha = query.get('pr_sha');
    const prNum = query.get('pr_num');
    const offset = Number(query.get('offset') ?? 0);
    const limit = Number(query.get('limit') ?? 100);
    const page = state.runs
      .filter(
        (run) =>
          (prSha === null || run.pr_sha === prSha) &&
          (prNum === null || run.pr_num === Number(prNum))
      )
      .reverse()
      .slice(offset, offset + limit);
    for (const run of page) {
      if (run.run_id === null) continue; // still waiting for diffs
      run.status = statusSequence[Math.min(run.polls, statusSequence.length - 1)];
      run.polls++;
    }
    // ApiCiRun: every field but `id` is a string, `pr_num` included, and none is null.
    return {
      status: 200,
      json: page.map(
        ({ id, base_branch, base_sha, pr_branch, pr_sha, pr_num, status, source }) => ({
          id,
          base_branch: base_branch ?? '',
          base_sha: base_sha ?? '',
          pr_branch: pr_branch ?? '',
          pr_sha: pr_sha ?? '',
          pr_num: String(pr_num),
          status,
          source
        })
      )
    };
  }

  /**
   * @param {string} method
   * @param {URL} url
   * @returns {import('./server.mjs').Route}
   */
  function route(method, url) {
    const dataDiffs = dataDiffRoute(method, url);
    if (dataDiffs) return dataDiffs;
    const match = CI_PATH.exec(url.pathname);
    if (!match)
      return { kind: 'unknown', handle: () => ({ status: 404, json: { detail: 'Not Found' } }) };
    const [, rawConfigId, last] = match;
    const [kind, expectedMethod] =
      last === 'trigger'
        ? ['trigger', 'POST']
        : last === 'runs'
          ? ['runs', 'GET']
          : ['submit', 'POST'];

    /** @param {RecordedRequest} request @returns {Reply} */
    function handle(request) {
      if (method !== expectedMethod) return { status: 405, json: { detail: 'Method Not Allowed' } };
      // Datafold checks the key before it looks anything up.
      if (request.headers.authorization !== `Key ${apiKey}`)
        return { status: 401, json: { detail: 'Invalid API key' } };
      const configId = Number(rawConfigId);
      if (!isId(rawConfigId))
        return invalid([
          ['path', 'ci_config_id'],
          'value is not a valid integer',
          'type_error.integer'
        ]);
      if (configIds && !configIds.includes(configId))
        return { status: 404, json: { detail: 'Not found' } };
      if (kind === 'trigger') return trigger(request);
      if (kind === 'runs') return listRuns(url.searchParams);
      if (!isId(last))
        return invalid([['path', 'pr_num'], 'value is not a valid integer', 'type_error.integer']);
      return submit(configId, Number(last), request);
    }
    return { kind, handle };
  }

  /**
   * GET /api/v1/datadiffs (paged, filtered by ci_run_id, ordered) and
   * GET /api/v1/datadiffs/{id}/summary_results.
   * @param {string} method
   * @param {URL} url
   * @returns {import('./server.mjs').Route | undefined}
   */
  function dataDiffRoute(method, url) {
    const match = DATADIFFS_PATH.exec(url.pathname);
    if (!match) return undefined;
    const [, rawId] = match;
    /** @param {RecordedRequest} request @returns {Reply} */
    function handle(request) {
      if (method !== 'GET') return { status: 405, json: { detail: 'Method Not Allowed' } };
      if (request.headers.authorization !== `Key ${apiKey}`)
        return { status: 401, json: { detail: 'Invalid API key' } };
      if (rawId === undefined) return listDataDiffs(url.searchParams);
      if (!isId(rawId))
        return invalid([
          ['path', 'datadiff_id'],
          'value is not a valid integer',
          'type_error.integer'
        ]);
      const diff = state.dataDiffs.find(({ id }) => id === Number(rawId));
      return diff
        ? { status: 200, json: now(diff).summary }
        : { status: 404, json: { detail: 'Not found' } };
    }
    return { kind: rawId === undefined ? 'datadiffs' : 'summary', handle };
  }

  /** @param {URLSearchParams} query @returns {Reply} */
  function listDataDiffs(query) {
    const page = query.get('page') ?? '1';
    const pageSize = query.get('page_size') ?? '100';
    const bad = [
      ...(isId(page) ? [] : [['query', 'page']]),
      ...(isId(pageSize) ? [] : [['query', 'page_size']])
    ].map(
      (loc) => /** @type {Problem} */ ([loc, 'value is not a valid integer', 'type_error.integer'])
    );
    if (bad.length > 0) return invalid(...bad);
    // "All fields support multiple items, using just comma delimiter."
    const runs = query.get('ci_run_id')?.split(',').map(Number);
    if (page === '1') for (const run of state.runs) if (runs?.includes(run.id)) run.listings++;
    const orderBy = /** @type {'id' | 'ci_run_id'} */ (query.get('order_by') ?? 'id');
    const direction = query.get('sort_order') === 'desc' ? -1 : 1;
    const key = (/** @type {DataDiff} */ diff) => diff[orderBy] ?? -Infinity;
    const listed = state.dataDiffs
      .filter((diff) => ignoreRunFilter || !runs || runs.includes(diff.ci_run_id ?? NaN))
      .sort((a, b) => direction * (key(a) - key(b) || a.id - b.id));
    const size = Number(pageSize);
    const number = Number(page);
    return {
      status: 200,
      json: {
        page: number,
        page_size: size,
        count: listed.length,
        total_pages: Math.ceil(listed.length / size),
        results: listed
          .slice((number - 1) * size, number * size)
          .map((diff) => dataDiffJson(now(diff)))
      }
    };
  }

  const server = await startServer({
    route,
    errorJson: (status) => ({ detail: STATUS_CODES[status] ?? `HTTP ${status}` })
  });
  return { ...server, state };
}

/** @typedef {[loc: Array<string | number>, msg: string, type: string]} Problem */

/**
 * FastAPI's 422 body.
 * @param {...Problem} problems
 * @returns {Reply}
 */
function invalid(...problems) {
  return {
    status: 422,
    json: { detail: problems.map(([loc, msg, type]) => ({ loc, msg, type })) }
  };
}

/**
 * @param {unknown} value
 * @param {string[]} fields
 * @param {Array<string | number>} loc
 * @returns {Problem[]}
 */
function missingFields(value, fields, loc) {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [[loc, 'value is not a valid dict', 'type_error.dict']];
  return fields
    .filter((field) => !(field in value))
    .map((field) => [[...loc, field], 'field required', 'value_error.missing']);
}

/** @param {string} text */
const isId = (text) => /^\d+$/.test(text);

/**
 * A data diff as the list endpoint returns it (ApiDataDiffFull: the required fields, the CI ones
 * and those a reader of the list needs).
 * @param {DataDiff} diff
 */
function dataDiffJson(diff) {
  return {
    id: diff.id,
    kind: 'in_db',
    source: 'ci',
    data_source1_id: 7,
    data_source2_id: 7,
    table1: diff.prod.split('.'),
    table2: diff.pr.split('.'),
    pk_columns: ['ID'],
    include_columns: [],
    exclude_columns: [],
    ci_run_id: diff.ci_run_id,
    status: diff.status,
    result: diff.result,
    done: diff.result !== null,
    archived: false,
    purged: false,
    result_revisions: {}
  };
}

const NO_PK_PROBLEMS = { nulls: [0, 0], dupes: [0, 0], exclusives: [0, 0] };
const SAME_SCHEMA = {
  columns_mismatched: [0, 0],
  column_type_mismatches: 0,
  column_reorders: 0,
  column_counts: [8, 8],
  column_type_differs: [],
  exclusive_columns: [[], []]
};

/**
 * The summary_results answer Datafold gives for a diff with `result`: the done variant
 * (ApiDataDiffSummaryForDone) with figures that fit the result, failed with an error, or running.
 * @param {DiffResult | null} result
 */
function summaryFor(result) {
  if (result === null) return { status: 'running' };
  if (result === 'error')
    return {
      status: 'failed',
      error: {
        error_type: 'QueryError',
        error_value: "SQL compilation error: Object 'ANALYTICS.PR_2.ORDERS' does not exist.",
        is_retryable: false
      }
    };
  const rows = result === 'empty' ? 0 : 1000;
  /** @type {Record<string, any>} */
  const summary = {
    status: 'done',
    pks: { total_rows: [rows, rows], distincts: [rows, rows], ...NO_PK_PROBLEMS },
    dependencies: [],
    schema: SAME_SCHEMA,
    materialized_results: {},
    values: {
      total_rows: rows,
      rows_with_differences: 0,
      total_values: rows * 8,
      values_with_differences: 0,
      compared_columns: 8,
      columns_with_differences: 0,
      columns_diff_stats: []
    }
  };
  if (result === 'different') {
    summary.values = {
      ...summary.values,
      rows_with_differences: 12,
      values_with_differences: 15,
      columns_with_differences: 2,
      columns_diff_stats: [
        { column_name: 'AMOUNT', match: 98.9, values_different: 11 },
        { column_name: 'STATUS', match: 99.6, values_different: 4 }
      ]
    };
    summary.schema = {
      ...SAME_SCHEMA,
      columns_mismatched: [1, 1],
      column_counts: [8, 8],
      exclusive_columns: [['LEGACY_ID'], ['DISCOUNT']]
    };
  }
  if (result === 'bad-pks') summary.pks = { ...summary.pks, nulls: [0, 2], dupes: [0, 5] };
  if (result === 'missing-pks') summary.pks = { ...summary.pks, exclusives: [3, 0] };
  return summary;
}
