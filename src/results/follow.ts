import * as core from '@actions/core';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CiRun, DatafoldApi } from '../datafold/api.js';
import type { DatafoldHttp } from '../datafold/http.js';
import { RunWatch, type WaitTiming } from '../datafold/run-watch.js';
import type { FailOn } from '../inputs/inputs.js';
import { RunDiffs } from './read.js';
import {
  finishedLine,
  MAX_PAGES,
  progressLine,
  resultCounts,
  runName,
  tripped,
  type RunResults
} from './results.js';

interface FollowOptions {
  headSha: string;
  /** The run whose data diffs are read: the one Datafold named for the submission. */
  ciRunId: number | null;
  timing: WaitTiming;
  failOn: FailOn[];
  /** Stop at the first poll where a finished diff trips `failOn`, while the run goes on. */
  failFast: boolean;
}

interface Followed {
  /** The run's final status; undefined when `fail-fast` stopped following it first. */
  runStatus: string | undefined;
  results: RunResults;
}

/**
 * With `wait`: follows the head commit's CI run to its end, and its data diffs as they finish.
 * Each poll asks for the run and for its data diffs together; each diff that has finished is
 * logged once and its summary read once, in the background, a few at a time; so the poll that
 * sees the run ended leaves only its own finishers' summaries to read, in one wave. With
 * `failFast`, the first poll where a finished diff trips `failOn` ends the following. `known`
 * gets what is known after every poll, so that a cancellation or a failure still reports it.
 * Throws when there is no run to follow, or the timeout passes.
 */
export async function followRun(
  api: DatafoldApi,
  http: DatafoldHttp,
  options: FollowOptions,
  known: (results: RunResults) => void
): Promise<Followed> {
  const watch = new RunWatch(options.headSha, options.timing);
  const diffs: RunDiffs = new RunDiffs(http, options.ciRunId, (row) => {
    core.info(finishedLine(row));
    known(diffs.results(false));
  });
  let finishedBefore = 0;
  /** The diffs finished as last listed, with a progress line when their count changed. */
  const progress = () => {
    const listed = diffs.results(false);
    known(listed);
    const finished = diffs.finished();
    if (listed.readable && finished.length !== finishedBefore) {
      core.info(progressLine(finished, listed.rows.length, listed.incomplete));
      finishedBefore = finished.length;
    }
    const running = listed.readable && finished.length < listed.rows.length;
    return { finished, running };
  };
  for (;;) {
    // Both answers, whatever either does: no request is left behind when the other fails.
    const [runAnswer] = await Promise.allSettled([api.latestRun(options.headSha), diffs.list()]);
    const { finished, running } = progress();
    if (runAnswer.status === 'rejected') throw runAnswer.reason;
    const run: CiRun | undefined = runAnswer.value;
    const status = watch.judge(run);
    if (run && !diffs.named) {
      // Datafold took the diffs without naming the run: the head commit's run is theirs.
      diffs.name(run.id);
      await diffs.list();
      progress();
    }

    if (run && status !== undefined) {
      // The list, asked at the same moment, may not show yet what ended with the run: a
      // diff still running in it is listed once more (the one extra round such a run costs).
      if (running) {
        await diffs.list();
        progress();
      }
      // The run has ended: whatever a summary says now is its last word.
      await diffs.readRest(true);
      core.info(`CI run ${run.id} ended: ${status} (after ${watch.elapsed}).`);
      return { runStatus: status, results: finalResults(diffs.results(true), known) };
    }
    if (options.failFast && tripped(finished, options.failOn).length > 0) {
      await diffs.readRest(false);
      return { runStatus: undefined, results: finalResults(diffs.results(false), known) };
    }
    diffs.readFinished();
    await sleep(watch.nextPollMs());
  }
}

/** The results the step reports, said in the log (with what could not be read) and passed on. */
function finalResults(results: RunResults, known: (results: RunResults) => void): RunResults {
  known(results);
  const run = runName(results.ciRunId);
  if (!results.readable) {
    core.warning(`Could not read the results of ${run}: ${results.reason}`);
    return results;
  }
  const { rows } = results;
  const unreadable = rows.filter((row) => row.unreadable !== undefined);
  if (unreadable.length > 0) {
    core.warning(
      `Could not read the figures of ${unreadable.length} of ${rows.length} data diffs; the first: ${unreadable[0].unreadable}`
    );
  }
  if (!results.ended) {
    const finished = rows.filter((row) => row.finished);
    const progress = progressLine(finished, rows.length, results.incomplete);
    core.info(`Stopped following ${run}, which goes on in Datafold: ${progress}.`);
    return results;
  }
  const counts = Object.entries(resultCounts(rows)).map(([result, n]) => `${n} ${result}`);
  const more = results.incomplete ? `, more not read after ${MAX_PAGES} pages` : '';
  core.info(
    `${run}: ${rows.length} data diffs${counts.length > 0 ? ` (${counts.join(', ')})` : ''}${more}.`
  );
  return results;
}
