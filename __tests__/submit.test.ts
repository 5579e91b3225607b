import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import * as core from '../__fixtures__/core.js';
import type { DatafoldApi } from '../src/datafold/api.js';
import type { DiffEntry } from '../src/diffs.js';
import type { PullRequestFacts } from '../src/event-pull-request.js';
import type { PullRequestSource } from '../src/pull-request.js';

jest.unstable_mockModule('@actions/core', () => core);
const { submitDiffs } = await import('../src/submit.js');

const entries: DiffEntry[] = [
  { prod: 'P.T', pr: 'PR.T', pk: ['id'], include_columns: [], exclude_columns: [] }
];
const pr: PullRequestFacts = { number: 7, headSha: 'h'.repeat(40) };
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
const complete = jest.fn<PullRequestSource['complete']>();
const source = { complete } as unknown as PullRequestSource;
const submit = (mode: 'warn' | 'fail' | 'trigger') =>
  submitDiffs(api as unknown as DatafoldApi, pr, entries, mode, source);

const waiting = { ciRunId: 11, runId: 22, uncertain: false };
const noRun = { ciRunId: null, runId: null, uncertain: false };

beforeEach(() => {
  complete.mockImplementation(async (facts) => ({ ...live, ...facts }));
});

describe('submitDiffs', () => {
  it('submits once when Datafold has a run waiting', async () => {
    api.submit.mockResolvedValueOnce(waiting);
    await expect(submit('trigger')).resolves.toEqual({ submitted: true, ciRunId: 11, runId: 22 });
    expect(api.submit).toHaveBeenCalledTimes(1);
    expect(api.submit).toHaveBeenCalledWith(7, entries);
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
    api.submit
      .mockResolvedValueOnce(noRun)
      .mockResolvedValueOnce({ ciRunId: null, runId: 23, uncertain: false });
    api.trigger.mockResolvedValueOnce(99);
    await expect(submit('trigger')).resolves.toEqual({ submitted: true, ciRunId: 99, runId: 23 });
    expect(api.trigger).toHaveBeenCalledWith({
      pr_number: 7,
      base_branch: 'main',
      base_sha: 'b'.repeat(40),
      pr_sha: 'h'.repeat(40),
      pr_branch: 'feature'
    });
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

  it('takes a lost answer as accepted when the run of the head commit exists, and never triggers', async () => {
    api.submit.mockResolvedValueOnce({ ciRunId: null, runId: null, uncertain: true });
    api.latestRun.mockResolvedValueOnce({ id: 11, status: 'running' });
    await expect(submit('trigger')).resolves.toEqual({ submitted: true, ciRunId: 11, runId: null });
    expect(api.latestRun).toHaveBeenCalledWith('h'.repeat(40));
    expect(api.trigger).not.toHaveBeenCalled();
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringContaining('so they were not sent again')
    );
  });

  it('handles no run as missing when the lost answer left no trace', async () => {
    api.submit.mockResolvedValueOnce({ ciRunId: null, runId: null, uncertain: true });
    api.latestRun.mockResolvedValueOnce(undefined);
    await expect(submit('fail')).rejects.toThrow('no CI run waiting');
  });

  it('does not look runs up after a plain "no run waiting"', async () => {
    api.submit.mockResolvedValueOnce(noRun);
    await submit('warn');
    expect(api.latestRun).not.toHaveBeenCalled();
  });
});
