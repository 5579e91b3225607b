/**
 * The files-to-ignore decision per path. Every expected answer is what Python pathspec's
 * "gitwildmatch" PathSpec answers for the same patterns and path (README "Skip rules").
 */
import { describe, expect, it } from '@jest/globals';
import { ignoredFilesMatcher } from '../src/rules/ignored-files.js';

interface Case {
  name: string;
  patterns: string[];
  ignored: string[];
  kept: string[];
}

const cases: Case[] = [
  {
    name: "Datafold's example: only the dbt folder, without its own .md files",
    patterns: ['*', '!dbt/*', 'dbt/*.md'],
    ignored: ['dbt/README.md', 'airflow/dag.py', 'README.md', 'dbt'],
    // `!dbt/*` matches them through `dbt/models`; `dbt/*.md` matches only `dbt/X.md`.
    kept: ['dbt/models/orders.sql', 'dbt/models/README.md', 'dbt/models/staging/stg_orders.sql']
  },
  {
    name: '"*" then "!*.sql": SQL files at any depth run',
    patterns: ['*', '!*.sql'],
    ignored: ['README.md', 'models/sql/load.py'],
    kept: ['orders.sql', 'models/orders.sql', 'seeds.sql/readme.txt']
  },
  {
    name: 'a re-include inside an excluded directory',
    patterns: ['docs/', '!docs/models/'],
    ignored: ['docs/index.md', 'docs/guides/setup.md'],
    kept: ['docs/models/orders.md', 'docs']
  },
  {
    name: 'the last matching pattern decides, in either direction',
    patterns: ['*.sql', '!models/*.sql', 'models/tmp_*.sql'],
    ignored: ['seed.sql', 'models/tmp_orders.sql', 'models/staging/orders.sql'],
    kept: ['models/orders.sql', 'dag.py']
  },
  {
    name: 'a trailing "/" matches directories only, at any depth',
    patterns: ['build/'],
    ignored: ['build/x/y.txt', 'app/build/out.js'],
    kept: ['build', 'build.txt']
  },
  {
    name: 'a name without "/" matches a file or a directory at any depth',
    patterns: ['build'],
    ignored: ['build', 'app/build', 'build/x/y.txt'],
    kept: ['builds', 'rebuild']
  },
  {
    name: 'a leading "/" anchors to the root',
    patterns: ['/build'],
    ignored: ['build', 'build/x'],
    kept: ['app/build']
  },
  {
    name: 'a "/" in the middle anchors to the root',
    patterns: ['a/b'],
    ignored: ['a/b', 'a/b/c'],
    kept: ['x/a/b']
  },
  {
    name: 'an anchored "*" stays within one segment, parent directories still count',
    patterns: ['dbt/*.md'],
    ignored: ['dbt/a.md', 'dbt/notes.md/x.sql'],
    kept: ['dbt/m/a.md', 'x/dbt/a.md']
  },
  {
    name: '"*.md" at any depth, case-sensitively',
    patterns: ['*.md'],
    ignored: ['a.md', 'docs/a.md', 'docs/deep/a.md'],
    kept: ['a.mdx', 'A.MD']
  },
  {
    name: 'a directory name is case-sensitive too',
    patterns: ['Docs/'],
    ignored: ['Docs/a.md'],
    kept: ['docs/a.md']
  },
  {
    name: '"*" matches dotfiles and everything under dot directories',
    patterns: ['*'],
    ignored: ['.github/workflows/ci.yml', '.env', 'a'],
    kept: []
  },
  {
    name: '"**" alone matches every path',
    patterns: ['**'],
    ignored: ['a', 'a/b/c', '.github/x.yml'],
    kept: []
  },
  {
    name: '"**/" matches everything inside a directory, no file at the root',
    patterns: ['**/'],
    ignored: ['a/b', 'a/b/c'],
    kept: ['a']
  },
  {
    name: '"*/" likewise',
    patterns: ['*/'],
    ignored: ['a/b'],
    kept: ['a']
  },
  {
    name: '"dir/**" matches what is under dir, not dir itself',
    patterns: ['dir/**'],
    ignored: ['dir/a', 'dir/a/b'],
    kept: ['dir', 'x/dir/a']
  },
  {
    name: '"a/**/" matches what is under a',
    patterns: ['a/**/'],
    ignored: ['a/b', 'a/b/c'],
    kept: ['a']
  },
  {
    name: '"**/dir" matches dir at any depth',
    patterns: ['**/dir'],
    ignored: ['dir', 'x/dir', 'x/y/dir/z'],
    kept: ['dirx', 'x/adir']
  },
  {
    name: '"a/**/b" matches zero or more directories between',
    patterns: ['a/**/b'],
    ignored: ['a/b', 'a/x/b', 'a/x/y/b', 'a/b/c'],
    kept: ['x/a/b', 'a/xb']
  },
  {
    name: '"!dbt/" then "dbt/**/*.md"',
    patterns: ['*', '!dbt/', 'dbt/**/*.md'],
    ignored: ['dbt/a.md', 'dbt/m/a.md', 'x.sql'],
    kept: ['dbt/m/a.sql']
  },
  {
    name: '"?" is one character, never "/"',
    patterns: ['?.sql'],
    ignored: ['a.sql', 'x/b.sql'],
    kept: ['ab.sql', '.sql']
  },
  {
    name: 'character sets, negated with "!", with "]" first',
    patterns: ['data[0-9].csv', '[!a]*.py', 'log[]]'],
    ignored: ['data1.csv', 'b.py', 'log]'],
    kept: ['dataX.csv', 'a.py', 'log']
  },
  {
    name: 'an unclosed "[" drops the pattern',
    patterns: ['[abc'],
    ignored: [],
    kept: ['[abc', 'a']
  },
  {
    name: 'a "/" alone matches nothing',
    patterns: ['/'],
    ignored: [],
    kept: ['a', 'a/b']
  },
  {
    name: '"!/" re-includes everything inside a directory',
    patterns: ['*', '!/'],
    ignored: ['a'],
    kept: ['a/b']
  },
  {
    name: 'blank lines and comments are skipped; "\\#" is a literal "#"',
    patterns: ['# comment', '', '   ', '\\#notes.md'],
    ignored: ['#notes.md'],
    kept: ['# comment', 'notes.md']
  },
  {
    name: '"\\!" is a literal "!"',
    patterns: ['\\!important.md'],
    ignored: ['!important.md'],
    kept: ['important.md']
  },
  {
    name: 'trailing spaces are trimmed',
    patterns: ['*.md   ', 'tmp\t'],
    ignored: ['a.md', 'tmp'],
    kept: ['a.md   ']
  },
  {
    name: 'an escaped trailing space is kept',
    patterns: ['space\\ '],
    ignored: ['space '],
    kept: ['space']
  },
  {
    name: 'leading spaces are part of the pattern',
    patterns: ['  lead'],
    ignored: ['  lead'],
    kept: ['lead']
  },
  {
    name: 'glob characters of other dialects are literal',
    patterns: ['(a|b).sql', '{c,d}.sql', '[[:alpha:]]'],
    ignored: ['(a|b).sql', '{c,d}.sql', 'a]'],
    kept: ['a.sql', 'c.sql', 'a']
  },
  {
    name: 'no pattern ignores nothing',
    patterns: [],
    ignored: [],
    kept: ['a']
  }
];

describe('ignoredFilesMatcher', () => {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const isIgnored = ignoredFilesMatcher(c.patterns);
    if (c.ignored.length > 0) {
      it.each(c.ignored)('ignores %j', (path) => expect(isIgnored(path)).toBe(true));
    }
    if (c.kept.length > 0) {
      it.each(c.kept)('keeps %j', (path) => expect(isIgnored(path)).toBe(false));
    }
  });

  it('says which patterns are invalid and how to fix them, all at once', () => {
    expect(() => ignoredFilesMatcher(['*.md', '!', 'notes\\', '[z-a].sql'])).toThrow(
      'Input "files-to-ignore": ' +
        '"!" has nothing after "!": write "\\!" for a file named "!"; ' +
        '"notes\\" ends with a "\\" that escapes nothing: remove it, or write "\\\\" for a backslash; ' +
        '"[z-a].sql" has a "[...]" that is not a valid set of characters (a range backwards?).'
    );
  });
});
