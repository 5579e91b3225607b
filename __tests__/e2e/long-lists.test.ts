/**
 * Lists a user or a server supplies, joined into a message, an annotation or the job summary:
 * each is cut with a count of the rest, so that none grows without bound.
 */
import { describe, expect, it } from '@jest/globals';
import { errors, expectFailure, outputs } from './run-checks.js';
import { scenario } from './scenario.js';

const many = <T>(n: number, make: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => make(i + 1));

describe('long lists, cut with a count', () => {
  it.concurrent("a 422 with 5,000 details names ten of them, and Datafold's count", async () => {
    const detail = many(5000, (i) => ({
      loc: ['body', i - 1, 'pk'],
      msg: 'field required',
      type: 'value_error.missing'
    }));
    const { result } = await scenario({
      faults: { datafold: [{ match: 'submit', fault: { status: 422, json: { detail } } }] }
    });

    expectFailure(result, [
      '(HTTP 422): Datafold found the request invalid:\n  - body → 0 → pk: field required\n',
      '\n  - body → 9 → pk: field required\n  - and 4,990 more'
    ]);
    expect(errors(result)[0]).not.toContain('body → 10 → pk');
    expect(errors(result)[0].length).toBeLessThan(1000);
  });

  it.concurrent(
    "an entry with 5,000 columns is cut in the summary's table, not in what is sent",
    async () => {
      const columns = many(5000, (i) => `COL_${i}`);
      const diffs = [{ prod: 'P.ORDERS', pr: 'PR.ORDERS', pk: ['ID'], include_columns: columns }];
      const { result, datafold } = await scenario({
        files: { 'diffs.json': JSON.stringify(diffs) }
      });

      const submitted = [{ ...diffs[0], include_columns: columns, exclude_columns: [] }];
      expect(result.code).toBe(0);
      // The output holds the list as submitted, whole: it is for later steps, not for reading.
      expect(result.outputs).toEqual(
        outputs({ 'diff-count': '1', diffs: JSON.stringify(submitted) })
      );
      expect(datafold.state.accepted[0].diffs).toEqual(submitted);
      expect(result.summary).toContain(`${columns.slice(0, 10).join(', ')}, and 4,990 more`);
      expect(result.summary).not.toContain('COL_11,');
      expect(result.summary.length).toBeLessThan(5000);
    }
  );
});
