import * as z from 'zod/mini';
import { parseAnswer } from './answer.js';
import type { DatafoldHttp } from './http.js';

// Datafold's data-diff answers (data-diffs.yml in its OpenAPI), down to the fields the action
// reads: a field it does not use may be anything, one it uses must have the documented type and
// nullability (ApiDataDiffFull leaves each of them out or null at will).

/** Diffs asked for per page: the API's default, so surely served (no maximum is documented). */
export const PAGE_SIZE = 100;

const nullable = <T extends z.core.SomeType>(schema: T) => z.optional(z.nullable(schema));
const pair = z.tuple([z.int(), z.int()]);

const DIFF_RESULTS = [
  'error',
  'bad-pks',
  'different',
  'missing-pks',
  'identical',
  'empty'
] as const;
export type DiffResultName = (typeof DIFF_RESULTS)[number];

/** JobStatus: a diff's status. */
const JOB_STATUSES = [
  'needs_confirmation',
  'needs_authentication',
  'waiting',
  'queued',
  'processing',
  'done',
  'failed',
  'cancelled'
] as const;

const dataDiff = z.object({
  id: nullable(z.int()),
  ci_run_id: nullable(z.int()),
  status: nullable(z.enum(JOB_STATUSES)),
  result: nullable(z.enum(DIFF_RESULTS)),
  /** Whether the diff has finished (the list's own word, beside `status`). */
  done: nullable(z.boolean()),
  table1: nullable(z.array(z.string())),
  table2: nullable(z.array(z.string())),
  query1: nullable(z.string()),
  query2: nullable(z.string())
});
const dataDiffPage = z.object({
  page: z.int(),
  page_size: z.int(),
  count: z.int(),
  total_pages: z.int(),
  results: z.array(dataDiff)
});

const summaryDone = z.object({
  status: z.enum(['done', 'success']),
  pks: nullable(z.object({ total_rows: pair, nulls: pair, dupes: pair, exclusives: pair })),
  schema: z.optional(
    z.object({
      column_type_mismatches: z.int(),
      column_type_differs: z.array(z.string()),
      exclusive_columns: z.array(z.array(z.string()))
    })
  ),
  values: nullable(
    z.object({
      total_rows: z.int(),
      rows_with_differences: z.int(),
      columns_with_differences: z.int()
    })
  )
});
const summaryFailed = z.object({
  status: z.literal('failed'),
  error: z.record(z.string(), z.unknown())
});
const summaryRunning = z.object({ status: z.enum(['running', 'pending']) });
// By `status`, so that a wrong answer is named by its field, not as "invalid input".
const summaryResults = z.discriminatedUnion('status', [summaryDone, summaryFailed, summaryRunning]);

export type DataDiff = z.infer<typeof dataDiff>;
export type DataDiffPage = z.infer<typeof dataDiffPage>;
export type SummaryResults = z.infer<typeof summaryResults>;

/** The key was good enough to submit: a 403 here is about what its user may see. */
const FORBIDDEN =
  'the user of the API key may not read the data diffs of this CI run: give that user access to the data source in Datafold, or use the key of a user who has it.';

/** Datafold's data-diff API: a CI run's diffs and each diff's summary. */
export class DataDiffsApi {
  constructor(private readonly http: DatafoldHttp) {}

  /**
   * One page of the diffs of a CI run, newest run first. The `ci_run_id` filter is documented
   * only in prose, so the caller still checks each item's run.
   */
  async page(ciRunId: number, page: number): Promise<DataDiffPage> {
    const query = new URLSearchParams({
      ci_run_id: String(ciRunId),
      order_by: 'ci_run_id',
      sort_order: 'desc',
      page_size: String(PAGE_SIZE)
    });
    if (page > 1) query.set('page', String(page));
    const path = `/api/v1/datadiffs?${query}`;
    const response = await this.http.request({
      method: 'GET',
      path,
      what: `listing the data diffs of CI run ${ciRunId} (page ${page})`,
      notFound: `${this.http.host} has no data diffs API at /api/v1/datadiffs.`,
      forbidden: FORBIDDEN
    });
    return parseAnswer(dataDiffPage, response.json, {
      what: `Datafold's page ${page} of the data diffs of CI run ${ciRunId}`,
      request: `GET ${path}`
    });
  }

  async summaryResults(diffId: number): Promise<SummaryResults> {
    const path = `/api/v1/datadiffs/${diffId}/summary_results`;
    const response = await this.http.request({
      method: 'GET',
      path,
      what: `reading the results of data diff ${diffId}`,
      notFound: `there is no data diff ${diffId} on ${this.http.host}.`,
      forbidden: FORBIDDEN
    });
    return parseAnswer(summaryResults, response.json, {
      what: `Datafold's results of data diff ${diffId}`,
      request: `GET ${path}`
    });
  }
}
