import * as core from '@actions/core';
import type { CiRun, DatafoldApi } from './api.js';
import type { IfUnknown } from './http.js';
import type { DiffEntry } from '../diffs/validate.js';
import { ActionError, errorMessage } from '../runtime/errors.js';
import type { OnMissingRun } from '../inputs/inputs.js';
import type { PullRequest } from '../pull-request/facts.js';

interface SubmitResult {
  /** Only on Datafold's own word: an answer with a `run_id`. */
  submitted: boolean;
  ciRunId: number | null;
  runId: number | null;
  /** The answer to the submission was lost and Datafold lists a run for the head commit: what happened, for the log and summary. */
  answerLost?: string;
}

/** A POST may have reached Datafold, and Datafold's runs cannot tell whether it did. */
class AnswerLost extends Error {
  constructor(
    readonly problem: string,
    /** What the check found, for messages: "Datafold lists CI run 7 for commit …". */
    readonly finding: string,
    /** The run of the head commit, when there is one to follow. */
    readonly run?: CiRun
  ) {
    super(problem);
  }
}

/**
 * Submits the diffs and handles Datafold's "no CI run is waiting" (`run_id` null) as
 * `on-missing-run` says. A trigger is followed by exactly one more submission. A POST whose
 * answer is lost is sent again only when no run of the head commit shows it arrived; when
 * one does, nothing more is sent and, with `wait`, that run is followed.
 */
export async function submitDiffs(
  api: DatafoldApi,
  pr: PullRequest,
  entries: DiffEntry[],
  onMissingRun: OnMissingRun,
  wait: boolean
): Promise<SubmitResult> {
  const ifUnknown = lostAnswerCheck(api, pr);
  const submitOnce = async (): Promise<SubmitResult> => {
    try {
      const { ciRunId, runId } = await api.submit(pr.number, entries, ifUnknown);
      if (runId === null) return { submitted: false, ciRunId, runId };
      core.info(`Datafold accepted the diffs: CI run ${ciRunId ?? '(none)'}, run ${runId}.`);
      return { submitted: true, ciRunId, runId };
    } catch (error) {
      if (!(error instanceof AnswerLost)) throw error;
      return submissionLost(error, pr.number, wait);
    }
  };
  const first = await submitOnce();
  if (first.submitted || first.answerLost) return first;

  const missing = `Datafold has no CI run waiting for pull request #${pr.number} (its answer has "run_id": null), so it did not take the diffs.`;
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

  const facts = await pr.need('baseRef', 'baseSha', 'headRef', 'headSha');
  let triggeredId: number | null;
  try {
    triggeredId = await api.trigger(
      {
        pr_number: pr.number,
        base_branch: required(facts.baseRef, 'base branch'),
        base_sha: required(facts.baseSha, 'base commit'),
        pr_sha: required(facts.headSha, 'head commit'),
        pr_branch: required(facts.headRef, 'head branch')
      },
      ifUnknown
    );
  } catch (error) {
    if (!(error instanceof AnswerLost)) throw error;
    throw new ActionError(
      `${lostAnswer(error, `starting a CI run for pull request #${pr.number}`)}: it may or may not have started one, so it was not sent again and the diffs were not submitted. Re-running the job starts a run and submits them.`
    );
  }
  // Datafold's trigger answer may leave the run unnamed ("ci_run_id": null, valid per its
  // OpenAPI): the one more submit follows all the same, and its answer decides.
  const started =
    triggeredId === null
      ? `Datafold took the trigger for pull request #${pr.number} without naming a CI run ("ci_run_id": null)`
      : `Datafold started CI run ${triggeredId} for pull request #${pr.number}`;
  core.info(`${started}; submitting again.`);
  const second = await submitOnce();
  if (second.answerLost) return second;
  if (!second.submitted) {
    throw new ActionError(
      `${started} but still reports no run waiting for its diffs (the second submit's answer has "run_id": null). Look at the pull request's CI runs in Datafold; re-running the job submits again.`
    );
  }
  return { ...second, ciRunId: second.ciRunId ?? triggeredId };
}

/**
 * After a POST whose answer was lost: a run of the head commit may be the trace of it, so
 * only when there is none is the POST sent again (an old run proves nothing either way).
 */
function lostAnswerCheck(api: DatafoldApi, pr: PullRequest): IfUnknown {
  return async (problem) => {
    let headSha: string | undefined;
    let run: CiRun | undefined;
    try {
      ({ headSha } = await pr.need('headSha'));
      run = headSha === undefined ? undefined : await api.latestRun(headSha);
    } catch (error) {
      // The reason goes mid-sentence: its own closing period would not.
      const reason = errorMessage(error).replace(/\.$/, '');
      throw new AnswerLost(problem, `checking its CI runs failed: ${reason}`);
    }
    if (headSha === undefined) {
      throw new AnswerLost(
        problem,
        "the pull request's head commit is unknown, so its CI runs cannot be checked"
      );
    }
    if (run !== undefined)
      throw new AnswerLost(problem, `Datafold lists CI run ${run.id} for commit ${headSha}`, run);
  };
}

/** The lost answer to `what`, and what Datafold's runs show. */
function lostAnswer({ problem, finding }: AnswerLost, what: string): string {
  return `Datafold's answer to ${what} was lost (${problem}), and ${finding}`;
}

/** With `wait` and a run to follow, the run is followed; else the step fails, saying why. */
function submissionLost(error: AnswerLost, prNumber: number, wait: boolean): SubmitResult {
  const what = `the diffs for pull request #${prNumber}`;
  const lost = lostAnswer(error, `submitting ${what}`);
  if (!wait || error.run === undefined) {
    throw new ActionError(
      `${lost}: ${what} may or may not have reached Datafold, so they were not sent again. Look at the pull request's CI run in Datafold; re-running the job sends them again.`
    );
  }
  const answerLost = `${lost}: the diffs may or may not have reached it, so they were not sent again; following CI run ${error.run.id}.`;
  core.warning(answerLost);
  return { submitted: false, ciRunId: error.run.id, runId: null, answerLost };
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) {
    throw new ActionError(`Cannot start a Datafold CI run: the pull request's ${what} is unknown.`);
  }
  return value;
}
