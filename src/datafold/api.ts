import * as z from 'zod/mini';
import type { DiffEntry } from '../diffs/validate.js';
import { ActionError } from '../runtime/errors.js';
import { excerpt } from '../inputs/secrets.js';
import type { DatafoldHttp, IfUnknown } from './http.js';

const runId = z.nullable(z.int());
const submitAnswer = z.object({ ci_run_id: runId, run_id: runId });
const triggerAnswer = z.object({ ci_run_id: z.int() });
const ciRun = z.object({ id: z.int(), status: z.string() });
const runsAnswer = z.array(ciRun);

export type CiRun = z.infer<typeof ciRun>;

interface Submission {
  ciRunId: number | null;
  runId: number | null;
}

interface TriggerRequest {
  pr_number: number;
  base_branch: string;
  base_sha: string;
  pr_sha: string;
  pr_branch: string;
}

/** Datafold's CI API, as the official SDK calls it. */
export class DatafoldApi {
  constructor(
    private readonly http: DatafoldHttp,
    private readonly ciConfigId: number
  ) {}

  get #notFound(): string {
    return `there is no CI config ${this.ciConfigId} on ${this.http.host}. Check "ci-config-id" against Datafold's CI settings page (and "host" for a dedicated deployment).`;
  }

  async submit(prNumber: number, entries: DiffEntry[], ifUnknown: IfUnknown): Promise<Submission> {
    const what = `the diffs for pull request #${prNumber}`;
    const response = await this.http.request({
      method: 'POST',
      path: `/api/v1/ci/${this.ciConfigId}/${prNumber}`,
      body: entries,
      what: `submitting ${what}`,
      notFound: this.#notFound,
      ifUnknown
    });
    const answer = parseAnswer(submitAnswer, response.json, `Datafold's answer to ${what}`);
    return { ciRunId: answer.ci_run_id, runId: answer.run_id };
  }

  async trigger(request: TriggerRequest, ifUnknown: IfUnknown): Promise<number> {
    const response = await this.http.request({
      method: 'POST',
      path: `/api/v1/ci/${this.ciConfigId}/trigger`,
      body: request,
      what: `starting a CI run for pull request #${request.pr_number}`,
      notFound: this.#notFound,
      ifUnknown
    });
    return parseAnswer(triggerAnswer, response.json, "Datafold's answer to the CI run trigger")
      .ci_run_id;
  }

  /** The newest CI run for a commit, if any. */
  async latestRun(prSha: string): Promise<CiRun | undefined> {
    const response = await this.http.request({
      method: 'GET',
      path: `/api/v1/ci/${this.ciConfigId}/runs?${new URLSearchParams({ pr_sha: prSha, limit: '1' })}`,
      what: `listing the CI runs of commit ${prSha}`,
      notFound: this.#notFound
    });
    return parseAnswer(runsAnswer, response.json, "Datafold's list of CI runs")[0];
  }
}

/** Datafold's answer, checked against its documented shape: a wrong one is an error naming the request. */
export function parseAnswer<T>(schema: z.ZodMiniType<T>, json: unknown, what: string): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.join('.') || 'the answer';
    return issue.code === 'invalid_type'
      ? `${where} should be ${issue.expected}`
      : `${where}: ${issue.message}`;
  });
  throw new ActionError(
    `${what} is not what the Datafold API returns (${problems.join('; ')}); it was: ${excerpt(
      JSON.stringify(json) ?? String(json)
    )}`
  );
}
