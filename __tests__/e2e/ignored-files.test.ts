/**
 * "files-to-ignore" end to end with Datafold's own documented example (README "Skip rules"):
 * the bundle reads the changed files from the GitHub stand-in's listing and submits when one
 * of them is not ignored, skips when all are, and fails on an invalid pattern before Datafold
 * hears of the pull request.
 */
import { expect, it, jest } from '@jest/globals';
import {
  expectRun,
  filesPage,
  gitHub,
  HEAD_SHA,
  messages,
  NUMBER,
  pull,
  skipped,
  submit,
  submitted,
  withPull
} from './checks.js';
import { payloadFor } from './launch.js';
import { scenario, type Scenario } from './scenario.js';

jest.setTimeout(30_000);

/** Datafold's example: "exclude all files in the repo except those in the /dbt folder, and filter out .md files in the /dbt folder". */
const DATAFOLD_EXAMPLE = '*\n!dbt/*\ndbt/*.md\n';

/** PR #42, opened, changing `paths`, under `patterns`. */
function runWith(patterns: string, ...paths: string[]): Promise<Scenario> {
  const spec = pull({ files: paths.map((filename) => ({ filename })) });
  return scenario({
    eventName: 'pull_request',
    payload: withPull(
      payloadFor('pull_request', (p) => p.action === 'opened'),
      spec
    ),
    github: gitHub([spec]),
    inputs: { 'skip-marker': '', 'files-to-ignore': patterns }
  });
}

it.concurrent("Datafold's example: a change to a dbt model is submitted", async () => {
  const run = await runWith(
    DATAFOLD_EXAMPLE,
    'dbt/README.md',
    'airflow/dag.py',
    'dbt/models/orders.sql'
  );
  expectRun(run, { outputs: submitted(), datafold: [submit()], github: [filesPage(1)] });
  expect(messages(run, 'notice')).toEqual([]);
});

it.concurrent("Datafold's example: only dbt/README.md and airflow/dag.py is skipped", async () => {
  const run = await runWith(DATAFOLD_EXAMPLE, 'dbt/README.md', 'airflow/dag.py');
  expectRun(run, {
    outputs: skipped('ignored-files', { 'pr-number': String(NUMBER), 'head-sha': HEAD_SHA }),
    datafold: [],
    github: [filesPage(1)]
  });
  expect(messages(run, 'notice')).toEqual([
    'Skipped: all 2 files changed by the pull request match "files-to-ignore".'
  ]);
});

it.concurrent(
  'an invalid pattern fails the step before asking GitHub or Datafold anything',
  async () => {
    const run = await runWith('*.md\n!\n', 'README.md');
    expectRun(run, {
      code: 1,
      outputs: skipped('', { 'pr-number': String(NUMBER), 'head-sha': HEAD_SHA }),
      datafold: [],
      github: []
    });
    expect(messages(run, 'error')).toEqual([
      'Input "files-to-ignore": "!" has nothing after "!": write "\\!" for a file named "!".'
    ]);
  }
);
