import * as core from '@actions/core';
import { DatafoldApi } from './datafold/api.js';
import { DatafoldHttp } from './datafold/http.js';
import type { DiffEntry } from './diffs.js';
import { ActionError, errorMessage } from './errors.js';
import { lazyGitHub } from './github/client.js';
import { parseInputs, readRawInputs, type Inputs } from './inputs.js';
import { loadDiffs } from './load-diffs.js';
import { findPullRequest, gatherRuleFacts, PullRequestSource } from './pull-request.js';
import { setOutputs, writeSummary, type Outcome } from './report.js';
import { gateFailure } from './results.js';
import { findSkip, thresholdSkip, type Skip } from './rules.js';
import { readRunnerContext } from './runner-context.js';
import { submitDiffs } from './submit.js';
import { sinceStartMs } from './timing.js';
import { waitForRun, waitTiming } from './wait.js';

/** The pipeline: inputs → pull request → rules → diffs → submit (→ wait) → report. */
export async function run(): Promise<void> {
  core.debug(`Modules loaded at ${sinceStartMs().toFixed(1)} ms.`);
  const outcome: Outcome = { submitted: false };
  let apiKey = '';
  try {
    const context = readRunnerContext();
    const inputs = await stage('Inputs', async () => {
      const raw = readRawInputs();
      apiKey = raw['api-key'];
      const inputs = parseInputs(raw, context.workspace);
      core.info(
        `Datafold ${inputs.host}, CI config ${inputs.ciConfigId}, diffs from ${inputs.diffs.kind === 'file' ? inputs.diffs.path : '"diffs-json"'}.`
      );
      return inputs;
    });
    const source = new PullRequestSource(
      lazyGitHub(inputs.githubToken, context.owner, context.repo),
      context.workspace
    );

    const search = await stage('Pull request', () =>
      findPullRequest(inputs.prNumber, context, source)
    );
    if ('notFound' in search)
      return skip(outcome, {
        reason: 'no-pull-request',
        level: 'notice',
        message: `Skipped: ${search.notFound}.`
      });
    outcome.prNumber = search.found.number;
    outcome.headSha = search.found.headSha;
    outcome.prUrl = `${context.serverUrl}/${context.owner}/${context.repo}/pull/${search.found.number}`;

    const { facts: pr, ruleFacts } = await stage('Rules', () =>
      gatherRuleFacts(search.found, inputs, source)
    );
    outcome.headSha = pr.headSha;
    const ruleSkip = await findSkip(ruleFacts, inputs);
    if (ruleSkip) return skip(outcome, ruleSkip);
    core.info(`Head commit ${pr.headSha ?? '(not needed)'}; no skip rule applies.`);

    const entries = await stage('Diffs', () => loadDiffs(inputs));
    outcome.entries = entries;
    const overThreshold = thresholdSkip(entries.length, inputs.diffThreshold);
    if (overThreshold) return skip(outcome, overThreshold);
    if (inputs.dryRun) return skip(outcome, dryRun(inputs, pr.number, entries));

    const http = new DatafoldHttp(inputs.host, inputs.apiKey);
    const api = new DatafoldApi(http, inputs.ciConfigId);
    const result = await stage('Submit', () =>
      submitDiffs(api, pr, entries, inputs.onMissingRun, source)
    );
    Object.assign(outcome, result);

    if (inputs.wait && result.submitted) {
      const { headSha } = await source.complete(pr, ['headSha']);
      outcome.headSha = headSha;
      if (headSha === undefined)
        throw new ActionError(
          'Cannot wait for the CI run: the pull request head commit is unknown.'
        );
      outcome.runStatus = await stage('Wait', () =>
        waitForRun(api, headSha, waitTiming(inputs.waitTimeoutMinutes))
      );
      // Read whatever the run's status: a failed run's diffs show why it failed.
      const { readRunResults } = await import('./read-results.js');
      outcome.failOn = inputs.failOn;
      const results = await stage('Results', () =>
        readRunResults(http, outcome.ciRunId ?? null, (text) => redact(text, apiKey))
      );
      outcome.results = results;
      const gate = gateFailure(results, inputs.failOn);
      if (outcome.runStatus !== 'done') {
        throw new ActionError(
          `Datafold CI run ${outcome.ciRunId ?? ''} ended ${outcome.runStatus}: see the run in Datafold for why.${gate ? ` ${gate}` : ''}`
        );
      }
      if (gate) throw new ActionError(gate);
    }
  } catch (error) {
    fail(outcome, error, apiKey);
  } finally {
    setOutputs(outcome);
    await writeSummary(outcome).catch((error) =>
      core.warning(`Could not write the job summary: ${errorMessage(error)}`)
    );
  }
}

/** A pipeline stage: a collapsible group in the log, timed in the debug log. */
async function stage<T>(name: string, work: () => Promise<T>): Promise<T> {
  const result = await core.group(name, work);
  core.debug(`${name} done at ${sinceStartMs().toFixed(1)} ms.`);
  return result;
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

/** `text` without the API key: an answer may echo it. */
function redact(text: string, apiKey: string): string {
  return apiKey === '' ? text : text.split(apiKey).join('***');
}

/** Reports a failure with no stack trace for the user's mistakes, and never with the API key. */
function fail(outcome: Outcome, error: unknown, apiKey: string): void {
  if (error instanceof ActionError) {
    outcome.problems = error.annotations.map(({ message }) => redact(message, apiKey));
    for (const { message, ...where } of error.annotations)
      core.error(redact(message, apiKey), where);
  } else {
    core.debug(redact((error as Error)?.stack ?? String(error), apiKey));
  }
  outcome.failure = redact(errorMessage(error), apiKey);
  core.setFailed(outcome.failure);
}
