import * as core from '@actions/core';
import type { DatafoldApi } from './datafold/api.js';
import type { DiffEntry } from './diffs.js';
import { ActionError } from './errors.js';
import type { PullRequestFacts } from './event-pull-request.js';
import type { OnMissingRun } from './inputs.js';
import type { PullRequestSource } from './pull-request.js';

export interface SubmitResult {
  submitted: boolean;
  ciRunId: number | null;
  runId: number | null;
}

/**
 * Submits the diffs and handles Datafold's "no CI run is waiting" (`run_id` null) as
 * `on-missing-run` says. A trigger is followed by exactly one more submission.
 */
export async function submitDiffs(
  api: DatafoldApi,
  pr: PullRequestFacts,
  entries: DiffEntry[],
  onMissingRun: OnMissingRun,
  source: PullRequestSource
): Promise<SubmitResult> {
  const first = await submitOnce(api, pr, entries, source);
  if (first.submitted) return first;

  const missing = `Datafold has no CI run waiting for pull request #${pr.number}, so it did not take the diffs.`;
  if (onMissingRun === 'warn') {
    core.warning(
      `${missing} Set "on-missing-run: trigger" to start a run, or "fail" to fail the step.`
    );
    return first;
  }
  if (onMissingRun === 'fail') {
    throw new ActionError(
      `${missing} Check that the pull request's CI run exists in Datafold, or set "on-missing-run: trigger" to start one.`
    );
  }

  const facts = await source.complete(pr, ['baseRef', 'baseSha', 'headRef', 'headSha']);
  const triggeredId = await api.trigger({
    pr_number: pr.number,
    base_branch: required(facts.baseRef, 'base branch'),
    base_sha: required(facts.baseSha, 'base commit'),
    pr_sha: required(facts.headSha, 'head commit'),
    pr_branch: required(facts.headRef, 'head branch')
  });
  core.info(
    `Started Datafold CI run ${triggeredId} for pull request #${pr.number}; submitting again.`
  );
  const second = await submitOnce(api, facts, entries, source);
  if (!second.submitted) {
    throw new ActionError(
      `Datafold started CI run ${triggeredId} for pull request #${pr.number} but still reports no run waiting for its diffs. Look at the run in Datafold; re-running the job submits again.`
    );
  }
  return { ...second, ciRunId: second.ciRunId ?? triggeredId };
}

/**
 * One submission, safe to have been retried: Datafold hands each waiting run its diffs once,
 * so a retry whose earlier attempt was accepted (answer lost) is told no run is waiting. The
 * run for the head commit then proves the earlier acceptance, and nothing is triggered.
 */
async function submitOnce(
  api: DatafoldApi,
  pr: PullRequestFacts,
  entries: DiffEntry[],
  source: PullRequestSource
): Promise<SubmitResult> {
  const { ciRunId, runId, uncertain } = await api.submit(pr.number, entries);
  if (runId !== null) {
    core.info(`Datafold accepted the diffs: CI run ${ciRunId ?? '(none)'}, run ${runId}.`);
    return { submitted: true, ciRunId, runId };
  }
  if (!uncertain) return { submitted: false, ciRunId, runId };
  const { headSha } = await source.complete(pr, ['headSha']);
  const run = headSha === undefined ? undefined : await api.latestRun(headSha);
  if (run === undefined) return { submitted: false, ciRunId, runId };
  core.warning(
    `An answer from Datafold was lost and the retry found no run waiting: CI run ${run.id} of commit ${headSha} already has the diffs from the earlier attempt, so they were not sent again.`
  );
  return { submitted: true, ciRunId: run.id, runId: null };
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) {
    throw new ActionError(`Cannot start a Datafold CI run: the pull request's ${what} is unknown.`);
  }
  return value;
}
