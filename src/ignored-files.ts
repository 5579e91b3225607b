/**
 * The "files-to-ignore" decision for one changed path (README "Skip rules"). To be replaced by
 * Datafold's own semantics (last match wins, `!` re-includes inside an excluded directory).
 */
import ignore from 'ignore';

/** A predicate that says whether a changed path is ignored by `patterns`. */
export function ignoredFilesMatcher(patterns: readonly string[]): (path: string) => boolean {
  const matcher = ignore().add([...patterns]);
  return (path) => matcher.ignores(path);
}
