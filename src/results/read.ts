import * as core from '@actions/core';
import { DataDiffsApi, type DataDiff, type SummaryResults } from '../datafold/data-diffs.js';
import type { DatafoldHttp } from '../datafold/http.js';
import { errorMessage } from '../runtime/errors.js';
import { diffRow, MAX_PAGES, runItems, type DiffRow, type RunResults } from './results.js';

/** Summaries read at once while the run goes: a few, so Datafold is never flooded. */
const SUMMARIES_WHILE_RUNNING = 4;
/** Summaries read at once when the step is about to end: the last finishers in one wave. */
const SUMMARIES_AT_THE_END = 16;

type Summary = SummaryResults | { unreadable: string };

/** A summary that will not change: done, failed, or one that could not be read. */
const isFinal = (summary: Summary | undefined) =>
  summary !== undefined &&
  ('unreadable' in summary || (summary.status !== 'running' && summary.status !== 'pending'));

/**
 * A CI run's data diffs, read as they finish: `list()` once per poll (one page per 100 diffs,
 * only the run's own items), and the summary of each diff read once, as soon as the list says
 * it is done, a few at a time. Each diff's row is handed to `onFinished` once, when it is known.
 * Never throws: what could not be read is part of the answer, so that reading results alone
 * never fails a run.
 */
export class RunDiffs {
  readonly #api: DataDiffsApi;
  readonly #host: string;
  /** The latest listing: the run's own diffs, in the order they were created. */
  #items: DataDiff[] = [];
  #incomplete = false;
  /** Why the latest listing failed; the results then cannot be read. */
  #failure: string | undefined = 'the data diffs were not listed yet.';
  readonly #summaries = new Map<number, Summary>();
  /** Summaries asked for and not answered yet: queued, or being read. */
  readonly #pending = new Map<number, Promise<void>>();
  readonly #queue: Array<() => Promise<void>> = [];
  #reading = 0;
  #atOnce = SUMMARIES_WHILE_RUNNING;
  /** The diffs handed to `onFinished`, by id (or by tables, for one without an id). */
  readonly #told = new Set<number | string>();

  constructor(
    http: DatafoldHttp,
    private ciRunId: number | null,
    private readonly onFinished: (row: DiffRow) => void
  ) {
    this.#api = new DataDiffsApi(http);
    this.#host = http.host;
    if (ciRunId === null) this.#failure = 'Datafold did not name the CI run.';
  }

  /** Whether the run's id is known, so that its diffs can be listed. */
  get named(): boolean {
    return this.ciRunId !== null;
  }

  /**
   * The run's id, as the runs list shows it for the head commit, when Datafold's answer to the
   * submission did not name it (its `ci_run_id` may be null).
   */
  name(ciRunId: number): void {
    this.ciRunId = ciRunId;
  }

  /**
   * Lists the run's data diffs again: page 1, and the next ones only while they still hold
   * the run's items (at most MAX_PAGES). A listing that fails leaves the results unreadable
   * until one succeeds; it is said once in the log, and tried again at the next poll.
   */
  async list(): Promise<void> {
    const { ciRunId } = this;
    if (ciRunId === null) return;
    const items: DataDiff[] = [];
    const seen = new Set<number>();
    let incomplete = false;
    try {
      for (let page = 1; ; page++) {
        const { items: own, more } = runItems(await this.#api.page(ciRunId, page), ciRunId);
        for (const item of own) {
          // A server that ignores the filter may list an item twice as diffs come and go.
          if (typeof item.id === 'number' && seen.has(item.id)) continue;
          if (typeof item.id === 'number') seen.add(item.id);
          items.push(item);
        }
        if (!more) break;
        if (page === MAX_PAGES) {
          incomplete = true;
          break;
        }
      }
    } catch (error) {
      const reason = errorMessage(error);
      if (reason !== this.#failure)
        core.info(`Could not list the data diffs of CI run ${ciRunId}: ${reason}`);
      this.#failure = reason;
      return;
    }
    // In the order the diffs were created, which is the diffs file's.
    this.#items = items.sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity));
    this.#incomplete = incomplete;
    this.#failure = undefined;
  }

  /** The rows of the diffs that have finished, as listed by the latest listing (none if it failed). */
  finished(): DiffRow[] {
    if (this.#failure !== undefined) return [];
    return this.#items.map((item) => this.#row(item)).filter((row) => row.finished);
  }

  /**
   * Reads, in the background, the summaries of the diffs that have finished and have none
   * yet, a few at a time; a summary that answered "running" is read again on a later call.
   */
  readFinished(): void {
    if (this.#failure !== undefined) return;
    for (const item of this.#items) {
      if (this.#row(item).finished) this.#want(item);
    }
  }

  /**
   * The step is about to end: reads what is still missing, up to SUMMARIES_AT_THE_END at
   * a time, and resolves once every summary asked for has answered. `all`: every diff's (the run
   * has ended, so whatever a summary says now is its last word), else those that have finished.
   * Then each finished diff not yet logged is, with what is known.
   */
  async readRest(all: boolean): Promise<void> {
    if (this.#failure !== undefined) return;
    this.#atOnce = SUMMARIES_AT_THE_END;
    for (const item of this.#items) {
      if (all || this.#row(item).finished) this.#want(item);
    }
    this.#pump();
    await Promise.all(this.#pending.values());
    for (const item of this.#items) {
      const row = this.#row(item);
      if (row.finished) this.#tell(item, row);
    }
  }

  /** What is known now; `ended`: the run has ended. */
  results(ended: boolean): RunResults {
    const known = { ciRunId: this.ciRunId, host: this.#host, ended };
    if (this.#failure !== undefined) return { ...known, readable: false, reason: this.#failure };
    const rows = this.#items.map((item) => this.#row(item));
    return { ...known, readable: true, rows, incomplete: this.#incomplete };
  }

  #row(item: DataDiff): DiffRow {
    return diffRow(item, item.id == null ? undefined : this.#summaries.get(item.id), this.#host);
  }

  /** Queues the reading of an item's summary, unless it is final or asked for already. */
  #want(item: DataDiff): void {
    const id = item.id;
    if (id === null || id === undefined) {
      this.#tell(item, this.#row(item)); // no summary to read
      return;
    }
    if (this.#pending.has(id) || isFinal(this.#summaries.get(id))) return;
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.#pending.set(id, done);
    this.#queue.push(async () => {
      try {
        this.#summaries.set(id, await this.#api.summaryResults(id));
      } catch (error) {
        this.#summaries.set(id, { unreadable: errorMessage(error) });
      }
      this.#pending.delete(id);
      settle();
      // As listed now: the listing may have been renewed while the summary was read.
      const listed = this.#items.find((other) => other.id === id) ?? item;
      const row = this.#row(listed);
      if (row.finished && isFinal(this.#summaries.get(id))) this.#tell(listed, row);
    });
    this.#pump();
  }

  /** Starts queued reads while fewer than `#atOnce` are under way. */
  #pump(): void {
    while (this.#reading < this.#atOnce && this.#queue.length > 0) {
      const read = this.#queue.shift()!;
      this.#reading++;
      void read().finally(() => {
        this.#reading--;
        this.#pump();
      });
    }
  }

  #tell(item: DataDiff, row: DiffRow): void {
    // Each listing brings new objects: an id-less diff is known by its tables.
    const key = item.id ?? `${row.report.prod} → ${row.report.pr}`;
    if (this.#told.has(key)) return;
    this.#told.add(key);
    this.onFinished(row);
  }
}
