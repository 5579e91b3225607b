import { jest } from '@jest/globals';
import type { DataDiffPage, SummaryResults } from '../src/datafold/data-diffs.js';

/** Typed fakes of Datafold's data-diff API, for `jest.unstable_mockModule` of data-diffs.js. */
export const page = jest.fn<(ciRunId: number, page: number) => Promise<DataDiffPage>>();
export const summaryResults = jest.fn<(diffId: number) => Promise<SummaryResults>>();

export const dataDiffsModule = () => ({
  PAGE_SIZE: 100,
  DataDiffsApi: class {
    page = page;
    summaryResults = summaryResults;
  }
});
