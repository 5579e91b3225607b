import * as core from '@actions/core';
import { DataDiffsApi, type DataDiff } from '../datafold/data-diffs.js';
import type { DatafoldHttp } from '../datafold/http.js';
import { errorMessage } from '../runtime/errors.js';
import { diffRow, MAX_PAGES, resultCounts, runItems, type RunResults } from './results.js';

/** Summaries read at once: a few, so a run of many diffs neither crawls nor floods Datafold. */
const SUMMARIES_AT_ONCE = 4;

/**
 * The data diffs of an ended CI run, each with its summary. Never throws: what could not be
 * read is part of the answer, so that reading results alone never fails a run.
 */
export async function readRunResults(
  http: DatafoldHttp,
  ciRunId: number | null
): Promise<RunResults> {
  const api = new DataDiffsApi(http);
  const host = http.host;
  if (ciRunId === null)
    return { ciRunId, host, readable: false, reason: 'Datafold did not name the CI run.' };
  const diffs: DataDiff[] = [];
  const seen = new Set<number>();
  let incomplete = false;
  try {
    for (let page = 1; ; page++) {
      const { items, more } = runItems(await api.page(ciRunId, page), ciRunId);
      for (const item of items) {
        // A server that ignores the filter may list an item twice as diffs come and go.
        if (typeof item.id === 'number' && seen.has(item.id)) continue;
        if (typeof item.id === 'number') seen.add(item.id);
        diffs.push(item);
      }
      if (!more) break;
      if (page === MAX_PAGES) {
        incomplete = true;
        break;
      }
    }
  } catch (error) {
    const reason = errorMessage(error);
    core.warning(`Could not read the results of Datafold CI run ${ciRunId}: ${reason}`);
    return { ciRunId, host, readable: false, reason };
  }
  // In the order the diffs were created, which is the diffs file's.
  diffs.sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity));
  const rows = await mapConcurrently(diffs, SUMMARIES_AT_ONCE, async (item) => {
    if (item.id === null || item.id === undefined) return diffRow(item, undefined, host);
    try {
      return diffRow(item, await api.summaryResults(item.id), host);
    } catch (error) {
      return diffRow(item, { unreadable: errorMessage(error) }, host);
    }
  });
  const unreadable = rows.filter((row) => row.unreadable !== undefined);
  if (unreadable.length > 0) {
    core.warning(
      `Could not read the figures of ${unreadable.length} of ${rows.length} data diffs; the first: ${unreadable[0].unreadable}`
    );
  }
  const counts = Object.entries(resultCounts(rows)).map(([result, n]) => `${n} ${result}`);
  core.info(
    `CI run ${ciRunId}: ${rows.length} data diffs${counts.length > 0 ? ` (${counts.join(', ')})` : ''}${incomplete ? `, more not read after ${MAX_PAGES} pages` : ''}.`
  );
  return { ciRunId, host, readable: true, rows, incomplete };
}

/** `work` on every item, at most `limit` at a time; the answers in the items' order. */
async function mapConcurrently<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      answers[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return answers;
}
