/**
 * The "files-to-ignore" decision for one changed path, as Datafold applies it (docs/rules.md):
 * `.gitignore` patterns read the way Python pathspec's "gitwildmatch" patterns are.
 * Unlike git, the last matching pattern always decides, so `!dbt/*` re-includes files under
 * `dbt/` after `*` has excluded every directory. Each pattern becomes one regular expression,
 * searched in the changed path, that matches the path itself or one of its parent directories.
 * The glob dialect is translated here: picomatch reads `[[:alpha:]]` as a POSIX class and
 * `(a|b)` as a group, where gitwildmatch sees plain characters, and no npm package implements
 * gitwildmatch.
 */
import { ActionError } from '../runtime/errors.js';
import { escapeRegExp } from '../runtime/regexp.js';
import { cutList } from '../runtime/lists.js';

interface Rule {
  regex: RegExp;
  /** False for a `!` pattern, which re-includes what it matches. */
  ignores: boolean;
}

/** A predicate that says whether a changed path is ignored by `patterns`. */
export function ignoredFilesMatcher(patterns: readonly string[]): (path: string) => boolean {
  const rules: Rule[] = [];
  const problems: string[] = [];
  for (const pattern of patterns) {
    try {
      const rule = compile(pattern);
      if (rule) rules.push(rule);
    } catch (error) {
      if (!(error instanceof InvalidPattern)) throw error;
      problems.push(`"${pattern}" ${error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new ActionError(`Input "files-to-ignore": ${cutList(problems, { separator: '; ' })}.`);
  }
  return (path) => isIgnored(rules, path);
}

/** The last rule that matches decides; a path no rule matches is not ignored. */
function isIgnored(rules: readonly Rule[], path: string): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    if (rules[i].regex.test(path)) return rules[i].ignores;
  }
  return false;
}

class InvalidPattern extends Error {}

/** One pattern line as a rule, or undefined for a line that matches nothing. */
function compile(line: string): Rule | undefined {
  // A trailing "\ " is an escaped space, so the line keeps its trailing whitespace.
  const pattern = line.endsWith('\\ ') ? line : line.trimEnd();
  if (pattern === '' || pattern.startsWith('#') || pattern === '/') return undefined;
  const ignores = !pattern.startsWith('!');
  const segments = (ignores ? pattern : pattern.slice(1)).split('/');
  const dirOnly = segments[segments.length - 1] === '';

  if (segments[0] === '') {
    segments.shift();
  } else if (segments.length === 1 || (segments.length === 2 && dirOnly)) {
    // No slash but a trailing one: the pattern matches at any depth.
    if (segments[0] !== '**') segments.unshift('**');
  }
  if (segments.length === 0) {
    throw new InvalidPattern('has nothing after "!": write "\\!" for a file named "!"');
  }
  // "dir/" is "dir/**": everything under the directory, not a file of that name.
  if (segments[segments.length - 1] === '') segments[segments.length - 1] = '**';
  const collapsed = segments.filter(
    (segment, i) => !(segment === '**' && segments[i - 1] === '**')
  );

  const source =
    collapsed.length === 1 && collapsed[0] === '**' && dirOnly
      ? '/' // "**/": every path inside some directory.
      : translate(collapsed);
  if (source === undefined) return undefined;
  try {
    return { regex: new RegExp(source, 'su'), ignores };
  } catch {
    throw new InvalidPattern(
      'has a "[...]" that is not a valid set of characters (a range backwards?)'
    );
  }
}

/** The pattern's segments as a regular expression, or undefined when a "[" is never closed. */
function translate(segments: string[]): string | undefined {
  let source = '';
  const last = segments.length - 1;
  for (const [i, segment] of segments.entries()) {
    if (segment === '**') {
      if (i === 0) source += '^(?:.+/)?';
      else if (i < last) source += '(?:/.+)?';
      else source += '/';
      continue;
    }
    if (i === 0) source += '^';
    // A leading "**" ends in its own slash.
    else if (i > 1 || segments[0] !== '**') source += '/';
    const glob = segment === '*' ? '[^/]+' : translateGlob(segment);
    if (glob === undefined) return undefined;
    // The path itself, or a directory with the changed path below it.
    source += i === last ? `${glob}(?:/|$)` : glob;
  }
  return source;
}

/** One segment's `*`, `?`, `[...]` and `\` escapes; undefined for an unclosed "[" (git drops those). */
function translateGlob(glob: string): string | undefined {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '\\') {
      if (i + 1 === glob.length) {
        throw new InvalidPattern(
          'ends with a "\\" that escapes nothing: remove it, or write "\\\\" for a backslash'
        );
      }
      source += escapeRegExp(glob[++i]);
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const set = bracketEnd(glob, i + 1);
      if (set === undefined) return undefined;
      source += characterSet(glob.slice(i + 1, set));
      i = set;
    } else {
      source += escapeRegExp(char);
    }
  }
  return source;
}

/** Where the "[" set opened before `start` closes: a "]" first (after "!" or "^") is a member. */
function bracketEnd(glob: string, start: number): number | undefined {
  let j = start;
  if (glob[j] === '!' || glob[j] === '^') j++;
  if (glob[j] === ']') j++;
  const end = glob.indexOf(']', j);
  return end === -1 ? undefined : end;
}

/** A set's members, between its brackets, as a regular expression class. */
function characterSet(members: string): string {
  const negated = members[0] === '!' || members[0] === '^';
  const rest = negated ? members.slice(1) : members;
  // Backslashes are literal members; so is a leading "]", which would close a JavaScript class.
  const literal = rest.replaceAll('\\', '\\\\').replace(/^\]/, '\\]');
  return `[${negated ? '^' : ''}${literal}]`;
}
