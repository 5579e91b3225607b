import type { Discovered } from '../diffs/discover/discover.js';
import type { DiffEntry } from '../diffs/validate.js';
import type { FailOn } from '../inputs/inputs.js';
import type { RunResults } from '../results/results.js';
import type { Skip } from '../rules/rules.js';

/** Everything the run learnt, filled in stage by stage; what is unknown stays undefined. */
export interface Outcome {
  /** The pipeline stage under way (or the last one begun), as its log group is named. */
  stage?: string;
  prNumber?: number;
  prUrl?: string;
  headSha?: string;
  entries?: DiffEntry[];
  /** With `discover`: where each entry came from, and how many files were read. */
  discovered?: Discovered;
  submitted: boolean;
  skip?: Skip;
  ciRunId?: number | null;
  runId?: number | null;
  runStatus?: string;
  /** The answer to the submission was lost: what happened and which run was followed. */
  answerLost?: string;
  failure?: string;
  /** Each problem behind the failure, e.g. every mistake in the diffs file. */
  problems?: string[];
  /** The run's data diffs, with `wait`: once it has ended, or as far as they were known. */
  results?: RunResults;
  failOn?: FailOn[];
}
