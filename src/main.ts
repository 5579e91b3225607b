import * as core from '@actions/core';
import { DatafoldApi } from './datafold/api.js';
import { DatafoldHttp } from './datafold/http.js';
import { submitDiffs } from './datafold/submit.js';
import { waitTiming } from './datafold/run-watch.js';
import { discoverDiffs, discoveryOptions } from './diffs/discover/discover.js';
import { diffsSource, loadDiffs } from './diffs/load.js';
import type { DiffEntry } from './diffs/validate.js';
import { lazyGitHub } from './github/client.js';
import { parseInputs, readRawInputs, type Inputs } from './inputs/inputs.js';
import { listChangedFiles, type ChangedFileListing } from './pull-request/changed-files.js';
import { started, type PullRequest } from './pull-request/facts.js';
import { findPullRequest } from './pull-request/find.js';
import { gatherRuleFacts } from './pull-request/rule-facts.js';
import { cancelledMessage, onCancel } from './report/cancellation.js';
import type { Outcome } from './report/outcome.js';
import { setOutputs, writeSummary } from './report/report.js';
import { followRun } from './results/follow.js';
import { gateFailure } from './results/results.js';
import { findSkip, thresholdSkip, type Skip } from './rules/rules.js';
import { ActionError, errorMessage } from './runtime/errors.js';
import { readRunnerContext } from './runtime/runner-context.js';
import { sinceStartMs } from './runtime/timing.js';

/** The pipeline: inputs → pull request → rules → diffs → submit (→ wait → results) → report. */
export async function run(): Promise<void> {
  core.debug(`Modules loaded at ${sinceStartMs().toFixed(1)} ms.`);
  const outcome: Outcome = { submitted: false };
  const stage = stages(outcome);
  let pr: PullRequest | undefined;
  let reported: Promise<void> | undefined;
  // The head commit as finally known, whichever stage learnt it.
  const report = () => (reported ??= writeReport({ ...outcome, headSha: pr?.facts.headSha }));
  const stopListening = onCancel((signal) => {
    fail(outcome, new ActionError(cancelledMessage(outcome, signal)));
    return report();
  });
  try {
    const { context, inputs } = await stage('Inputs', readInputs);
    const github = lazyGitHub(inputs.githubToken, context.owner, context.repo);

    const search = await stage('Pull request', () =>
      findPullRequest(inputs.prNumber, context, github)
    );
    if ('notFound' in search)
      return skip(outcome, {
        reason: 'no-pull-request',
        level: 'notice',
        message: `Skipped: ${search.notFound}.`
      });
    const found = search.found;
    pr = found; // for the report, whatever happens next
    outcome.prNumber = found.number;
    outcome.prUrl = `${context.serverUrl}/${context.owner}/${context.repo}/pull/${found.number}`;

    // Discovery lists every changed file, once: "files-to-ignore" rules on the same listing.
    let listing: Promise<ChangedFileListing> | undefined;
    const everyChangedFile = () => (listing ??= started(listChangedFiles(found)));

    // The verdict is logged inside the group, beside the facts it was drawn from.
    await stage('Rules', async () => {
      const listed = inputs.discover ? everyChangedFile : undefined;
      const ruleFacts = await gatherRuleFacts(found, inputs, listed);
      const ruleSkip = findSkip(ruleFacts, inputs);
      if (ruleSkip) skip(outcome, ruleSkip);
      else core.info(`Head commit ${found.facts.headSha ?? '(not needed)'}; no skip rule applies.`);
    });
    if (outcome.skip) return;

    const entries = await stage('Diffs', async () => {
      if (!inputs.discover) return loadDiffs(diffsSource(inputs, context.workspace));
      const options = discoveryOptions(inputs, inputs.discover, context.repo, found.number);
      const discovered = await discoverDiffs(await everyChangedFile(), context.workspace, options);
      outcome.discovered = discovered;
      return discovered.entries;
    });
    outcome.entries = entries;
    const overThreshold = thresholdSkip(entries.length, inputs.diffThreshold);
    if (overThreshold) return skip(outcome, overThreshold);
    if (inputs.dryRun) return skip(outcome, dryRun(inputs, found.number, entries));

    const http = new DatafoldHttp(inputs.host, inputs.apiKey);
    const api = new DatafoldApi(http, inputs.ciConfigId);
    const result = await stage('Submit', () =>
      submitDiffs(api, found, entries, inputs.onMissingRun, inputs.wait)
    );
    Object.assign(outcome, result);

    // After a lost answer, the run it may have reached is followed (submitted stays false).
    if (inputs.wait && (result.submitted || result.answerLost))
      await waitAndReadResults(outcome, stage, { http, api, pr: found, inputs });
  } catch (error) {
    // After a cancellation, whatever the abandoned stage throws is moot: the first failure wins.
    if (outcome.failure === undefined) fail(outcome, error);
  } finally {
    // Still listening while the report is written: a signal then waits for the same report.
    await report();
    stopListening();
  }
}

/**
 * The pipeline's stages: each a collapsible group in the log, timed in the debug log, and
 * noted in the outcome, so that a cancellation can say what had already happened.
 */
function stages(outcome: Outcome) {
  return async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    outcome.stage = name;
    const result = await core.group(name, work);
    core.debug(`${name} done at ${sinceStartMs().toFixed(1)} ms.`);
    return result;
  };
}

/** Every input, validated, and the runner's facts: repository, workspace, event. */
async function readInputs() {
  // The secrets first: they are masked before anything else can print them.
  const raw = readRawInputs();
  const context = readRunnerContext();
  const inputs = parseInputs(raw);
  const diffs = inputs.discover
    ? `diffs discovered in the changed files ("discover: ${inputs.discover}")`
    : `diffs from ${inputs.diffs || '"diffs-json"'}`;
  core.info(`Datafold ${inputs.host}, CI config ${inputs.ciConfigId}, ${diffs}.`);
  return { context, inputs };
}

/**
 * With `wait`: the head commit's CI run followed to its end, its data diffs read as they finish
 * (a failed run's diffs show why). The step fails when the run did not end `done`, or when
 * `fail-on` trips: with `fail-fast`, as soon as a finished diff trips it, the run going on.
 */
async function waitAndReadResults(
  outcome: Outcome,
  stage: ReturnType<typeof stages>,
  {
    http,
    api,
    pr,
    inputs
  }: {
    http: DatafoldHttp;
    api: DatafoldApi;
    pr: PullRequest;
    inputs: Inputs;
  }
): Promise<void> {
  const headSha = await pr.headSha('the CI run cannot be waited for');
  outcome.failOn = inputs.failOn;
  const { runStatus, results } = await stage('Wait', () =>
    followRun(
      api,
      http,
      {
        headSha,
        ciRunId: outcome.ciRunId ?? null,
        timing: waitTiming(inputs.waitTimeoutMinutes),
        failOn: inputs.failOn,
        failFast: inputs.failFast
      },
      // What is known so far, for a cancellation or a failure on the way.
      (known) => (outcome.results = known)
    )
  );
  outcome.runStatus = runStatus;
  const gate = gateFailure(results, inputs.failOn);
  // Ended `done`, or left going on by `fail-fast` (the gate tripped): the gate decides.
  if (runStatus !== undefined && runStatus !== 'done') {
    const run = outcome.ciRunId == null ? 'Datafold CI run' : `Datafold CI run ${outcome.ciRunId}`;
    throw new ActionError(
      `${run} ended ${outcome.runStatus}: see the run in Datafold for why.${gate ? ` ${gate}` : ''}`
    );
  }
  if (gate) throw new ActionError(gate);
}

/**
 * Outputs and job summary. A runner file that cannot be written fails the step with one
 * error line naming it, never a stack trace.
 */
async function writeReport(outcome: Outcome): Promise<void> {
  const unwritten: string[] = [];
  await setOutputs(outcome).catch((error: unknown) =>
    unwritten.push(`the outputs to GITHUB_OUTPUT (${errorMessage(error)})`)
  );
  await writeSummary(outcome).catch((error: unknown) =>
    unwritten.push(`the job summary to GITHUB_STEP_SUMMARY (${errorMessage(error)})`)
  );
  if (unwritten.length > 0)
    core.setFailed(
      `Could not write ${unwritten.join(', nor ')}. The runner creates these files for every step: check that no earlier step removes or replaces them.`
    );
}

function skip(outcome: Outcome, reason: Skip): void {
  outcome.skip = reason;
  if (reason.level === 'warning') core.warning(reason.message);
  else core.notice(reason.message);
}

/** The body a dry run would send, shown in the log; a long one is cut. */
const DRY_RUN_LOGGED_ENTRIES = 20;

function dryRun(inputs: Inputs, prNumber: number, entries: DiffEntry[]): Skip {
  const count = entries.length;
  core.info(JSON.stringify(entries.slice(0, DRY_RUN_LOGGED_ENTRIES), null, 2));
  if (count > DRY_RUN_LOGGED_ENTRIES)
    core.info(`… and ${count - DRY_RUN_LOGGED_ENTRIES} more entries.`);
  return {
    reason: 'dry-run',
    level: 'notice',
    message: `Dry run: would POST ${count} diff ${count === 1 ? 'entry' : 'entries'} to ${inputs.host}/api/v1/ci/${inputs.ciConfigId}/${prNumber}; nothing was sent.`
  };
}

/** Reports a failure, with no stack trace for the user's mistakes (secrets.ts redacts it). */
function fail(outcome: Outcome, error: unknown): void {
  if (error instanceof ActionError) {
    outcome.problems = error.annotations.map(({ message }) => message);
    for (const { message, ...where } of error.annotations) core.error(message, where);
  } else {
    core.debug((error as Error)?.stack ?? String(error));
  }
  outcome.failure = errorMessage(error);
  core.setFailed(outcome.failure);
}
