import { describe, expect, it } from '@jest/globals';
import { cutList } from '../src/runtime/lists.js';

const items = (n: number) => Array.from({ length: n }, (_, i) => `i${i + 1}`);

describe('cutList', () => {
  it('joins a short list whole', () => {
    expect(cutList(items(10))).toBe('i1, i2, i3, i4, i5, i6, i7, i8, i9, i10');
    expect(cutList([])).toBe('');
  });

  it('names the first ten of a long list and counts the rest, in digits grouped by thousands', () => {
    expect(cutList(items(11))).toBe('i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, and 1 more');
    expect(cutList(items(5000), { max: 2, separator: '; ' })).toBe('i1; i2; and 4,998 more');
  });
});
