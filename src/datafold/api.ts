import * as z from 'zod/mini';
import type { DiffEntry } from '../diffs/validate.js';
import { parseAnswer } from './answer.js';
import type { DatafoldHttp, IfUnknown } from './http.js';

// Datafold's CI answers (ci.yml in its OpenAPI), down to the fields the action reads, with the
// types and nullability documented there. SubmitCiJob, the answer to a submit and to a trigger,
// requires neither id, so one left out is null; but a submit's answer must carry `run_id`, the
// verdict it is read for (FastAPI sends every field, null included: an answer without it is no
// verdict from Datafold, and is not taken for "no CI run waiting").
const leftOutIsNull = z.pipe(
  z.optional(z.nullable(z.int())),
  z.transform((id) => id ?? null)
);
const submitAnswer = z.object({ ci_run_id: leftOutIsNull, run_id: z.nullable(z.int()) });
const triggerAnswer = z.object({ ci_run_id: leftOutIsNull });
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

/**
 * Hosts of Datafold's current app, where Datafold's documentation offers no CI integration:
 * that is in Datafold Classic only.
 */
const CURRENT_APP_HOSTS = new Set(['us.datafold.com', 'eub.datafold.com']);

/** Datafold's CI API, as the official SDK calls it. */
export class DatafoldApi {
  constructor(
    private readonly http: DatafoldHttp,
    private readonly ciConfigId: number
  ) {}

  get #notFound(): string {
    const { hostname } = new URL(this.http.host);
    if (CURRENT_APP_HOSTS.has(hostname)) {
      return `${hostname} is Datafold's current app, and Datafold's documentation offers the CI API only in Datafold Classic (app.datafold.com, eu.datafold.com, and Classic dedicated deployments). Set "host" to the Datafold Classic address that holds CI config ${this.ciConfigId}.`;
    }
    return `there is no CI config ${this.ciConfigId} on ${this.http.host}. Check "ci-config-id" against Datafold's CI settings page (and "host" for a dedicated deployment).`;
  }

  async submit(prNumber: number, entries: DiffEntry[], ifUnknown: IfUnknown): Promise<Submission> {
    const what = `the diffs for pull request #${prNumber}`;
    const path = `/api/v1/ci/${this.ciConfigId}/${prNumber}`;
    const response = await this.http.request({
      method: 'POST',
      path,
      body: entries,
      what: `submitting ${what}`,
      notFound: this.#notFound,
      ifUnknown
    });
    const answer = parseAnswer(submitAnswer, response.json, {
      what: `Datafold's answer to ${what}`,
      request: `POST ${path}`
    });
    return { ciRunId: answer.ci_run_id, runId: answer.run_id };
  }

  /** Starts a CI run; Datafold's answer may name it or not (`ci_run_id` null). */
  async trigger(request: TriggerRequest, ifUnknown: IfUnknown): Promise<number | null> {
    const path = `/api/v1/ci/${this.ciConfigId}/trigger`;
    const response = await this.http.request({
      method: 'POST',
      path,
      body: request,
      what: `starting a CI run for pull request #${request.pr_number}`,
      notFound: this.#notFound,
      ifUnknown
    });
    return parseAnswer(triggerAnswer, response.json, {
      what: "Datafold's answer to the CI run trigger",
      request: `POST ${path}`
    }).ci_run_id;
  }

  /** The newest CI run for a commit, if any. */
  async latestRun(prSha: string): Promise<CiRun | undefined> {
    const path = `/api/v1/ci/${this.ciConfigId}/runs?${new URLSearchParams({ pr_sha: prSha, limit: '1' })}`;
    const response = await this.http.request({
      method: 'GET',
      path,
      what: `listing the CI runs of commit ${prSha}`,
      notFound: this.#notFound
    });
    return parseAnswer(runsAnswer, response.json, {
      what: "Datafold's list of CI runs",
      request: `GET ${path}`
    })[0];
  }
}
