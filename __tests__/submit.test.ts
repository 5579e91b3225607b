import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import type { DatafoldApi } from '../src/datafold/api.js';
import type { DiffEntry } from '../src/diffs/validate.js';
import type { PullRequestFacts } from '../src/github/pull.js';
import type { PullRequest } from '../src/pull-request/facts.js';

jest.unstable_mockModule('@actions/core', () => core);
const { submitDiffs } = await import('../src/datafold/submit.js');

const entries: DiffEntry[] = [
  { prod: 'P.T', pr: 'PR.T', pk: ['id'], include_columns: [], exclude_columns: [] }
];
const live: PullRequestFacts = {
  number: 7,
  headSha: 'h'.repeat(40),
  headRef: 'feature',
  baseSha: 'b'.repeat(40),
  baseRef: 'main'
};

const api = {
  submit: jest.fn<DatafoldApi['submit']>(),
  trigger: jest.fn<DatafoldApi['trigger']>(),
  latestRun: jest.fn<DatafoldApi['latestRun']>()
};
/** Pull request #7, whose facts GitHub would give when asked. */
const need = jest.fn<PullRequest['need']>();
const pr = { number: 7, need } as unknown as PullRequest;
const submit = (mode: 'warn' | 'fail' | 'trigger', wait = false) =>
  submitDiffs(api as unknown as DatafoldApi, pr, entries, mode, wait);

const waiting = { ciRunId: 11, runId: 22 };
const noRun = { ciRunId: null, runId: null };

beforeEach(() => {
  need.mockResolvedValue(live);
});

describe('submitDiffs', () => {
  it('submits once when Datafold has a run waiting', async () => {
    api.submit.mockResolvedValueOnce(waiting);
    await expect(submit('trigger')).resolves.toEqual({ submitted: true, ciRunId: 11, runId: 22 });
    expect(api.submit).toHaveBeenCalledTimes(1);
    expect(api.submit).toHaveBeenCalledWith(7, entries, expect.any(Function));
    expect(api.trigger).not.toHaveBeenCalled();
  });

  it('warns and succeeds without a waiting run under on-missing-run: warn', async () => {
    api.submit.mockResolvedValueOnce(noRun);
    await expect(submit('warn')).resolves.toEqual({ submitted: false, ciRunId: null, runId: null });
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringContaining('Datafold has no CI run waiting for pull request #7')
    );
  });

  it('fails without a waiting run under on-missing-run: fail', async () => {
    api.submit.mockResolvedValueOnce(noRun);
    await expect(submit('fail')).rejects.toThrow(
      'Datafold has no CI run waiting for pull request #7'
    );
  });

  it('triggers a run with the pull request facts, then submits exactly once more', async () => {
    api.submit.mockResolvedValueOnce(noRun).mockResolvedValueOnce({ ciRunId: null, runId: 23 });
    api.trigger.mockResolvedValueOnce(99);
    await expect(submit('trigger')).resolves.toEqual({ submitted: true, ciRunId: 99, runId: 23 });
    expect(api.trigger).toHaveBeenCalledWith(
      {
        pr_number: 7,
        base_branch: 'main',
        base_sha: 'b'.repeat(40),
        pr_sha: 'h'.repeat(40),
        pr_branch: 'feature'
      },
      expect.any(Function)
    );
    expect(api.submit).toHaveBeenCalledTimes(2);
  });

  it('fails when the run it triggered still takes no diffs', async () => {
    api.submit.mockResolvedValue(noRun);
    api.trigger.mockResolvedValueOnce(99);
    await expect(submit('trigger')).rejects.toThrow(
      'Datafold started CI run 99 for pull request #7 but still reports no run waiting'
    );
    expect(api.submit).toHaveBeenCalledTimes(2);
  });

  it('submits once more after a trigger answered without a run id (ci_run_id null)', async () => {
    api.submit.mockResolvedValueOnce(noRun).mockResolvedValueOnce({ ciRunId: 12, runId: 23 });
    api.trigger.mockResolvedValueOnce(null);
    await expect(submit('trigger')).resolves.toEqual({ submitted: true, ciRunId: 12, runId: 23 });
    expect(api.submit).toHaveBeenCalledTimes(2);
    expect(core.info).toHaveBeenCalledWith(
      'Datafold took the trigger for pull request #7 without naming a CI run ("ci_run_id": null); submitting again.'
    );
  });

  it('fails, naming both answers, when neither the trigger nor the second submit names a run', async () => {
    api.submit.mockResolvedValue(noRun);
    api.trigger.mockResolvedValueOnce(null);
    await expect(submit('trigger')).rejects.toThrow(
      'Datafold took the trigger for pull request #7 without naming a CI run ("ci_run_id": null) but still reports no run waiting for its diffs (the second submit\'s answer has "run_id": null)'
    );
    expect(api.submit).toHaveBeenCalledTimes(2);
  });

  it('does not look runs up after a plain "no run waiting"', async () => {
    api.submit.mockResolvedValueOnce(noRun);
    await submit('warn');
    expect(api.latestRun).not.toHaveBeenCalled();
  });
});

/** Makes `api.submit` (or `api.trigger`) lose its answer with "HTTP 502", then act as `after`. */
function losing<T>(method: 'submit' | 'trigger', after: () => T) {
  api[method].mockImplementationOnce(async (...args: unknown[]) => {
    const ifUnknown = args.at(-1) as (problem: string) => Promise<void>;
    await ifUnknown('HTTP 502');
    return after() as never;
  });
}

describe('submitDiffs after a lost answer', () => {
  const run = { id: 11, status: 'running' };

  it('lets the POST be sent again when the head commit has no run', async () => {
    losing('submit', () => waiting);
    api.latestRun.mockResolvedValueOnce(undefined);
    await expect(submit('trigger')).resolves.toEqual({ submitted: true, ciRunId: 11, runId: 22 });
    expect(api.latestRun).toHaveBeenCalledWith('h'.repeat(40));
  });

  it('follows the run of the head commit with wait, not submitted and never triggering', async () => {
    losing('submit', () => waiting);
    api.latestRun.mockResolvedValueOnce(run);
    const result = await submit('trigger', true);
    expect(result).toEqual({
      submitted: false,
      ciRunId: 11,
      runId: null,
      answerLost: expect.stringContaining('following CI run 11')
    });
    expect(result.answerLost).toContain(
      `Datafold's answer to submitting the diffs for pull request #7 was lost (HTTP 502), and Datafold lists CI run 11 for commit ${'h'.repeat(40)}`
    );
    expect(api.trigger).not.toHaveBeenCalled();
    expect(core.warning).toHaveBeenCalledWith(result.answerLost as string);
  });

  it('fails without wait, saying the diffs may or may not have arrived', async () => {
    losing('submit', () => waiting);
    api.latestRun.mockResolvedValueOnce(run);
    await expect(submit('trigger')).rejects.toThrow(
      /lists CI run 11 for commit h{40}: the diffs for pull request #7 may or may not have reached Datafold, so they were not sent again\..*re-running the job sends them again/
    );
    expect(api.trigger).not.toHaveBeenCalled();
  });

  it('fails, even with wait, when the head commit is unknown: no blind resend', async () => {
    need.mockResolvedValue({ number: 7 });
    losing('submit', () => waiting);
    await expect(submit('warn', true)).rejects.toThrow(
      'head commit is unknown, so its CI runs cannot be checked: the diffs for pull request #7 may or may not have reached Datafold'
    );
    expect(api.latestRun).not.toHaveBeenCalled();
  });

  it('fails, even with wait, when the runs cannot be checked, saying so', async () => {
    losing('submit', () => waiting);
    // Messages end as sentences do; the period does not stay inside the longer one.
    api.latestRun.mockRejectedValueOnce(new Error('Datafold at h failed 4 times.'));
    await expect(submit('trigger', true)).rejects.toThrow(
      'was lost (HTTP 502), and checking its CI runs failed: Datafold at h failed 4 times: the diffs for pull request #7 may or may not have reached Datafold'
    );
    expect(api.submit).toHaveBeenCalledTimes(1);
  });

  it('fails when the answer to the trigger is lost and a run exists, without submitting again', async () => {
    api.submit.mockResolvedValueOnce(noRun);
    losing('trigger', () => 99);
    api.latestRun.mockResolvedValueOnce(run);
    await expect(submit('trigger', true)).rejects.toThrow(
      /answer to starting a CI run for pull request #7 was lost \(HTTP 502\), and Datafold lists CI run 11.*may or may not have started one/
    );
    expect(api.submit).toHaveBeenCalledTimes(1);
  });
});
