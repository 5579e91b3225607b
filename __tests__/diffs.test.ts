import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { formatProblem, validateDiffs, type DiffProblem } from '../src/diffs/validate.js';

/** One line per argument, so expected line numbers can be read off the test. */
const file = (...lines: string[]): string => lines.join('\n');
const format = (problems: DiffProblem[]): string[] =>
  problems.map((problem) => formatProblem('diffs.json', problem));
const errorsOf = (text: string): string[] => format(validateDiffs(text).errors);
const warningsOf = (text: string): string[] => format(validateDiffs(text).warnings);

const PR_HINT = '(the PR table, e.g. "ANALYTICS.PR_SCHEMA.ORDERS")';
const PROD_HINT = '(the production table, e.g. "ANALYTICS.PROD.ORDERS")';
const PK_HINT = '(the primary key columns, e.g. ["ORDER_ID"], or [] or null when there is none)';
const COLUMNS = 'an array of column names (leave the key out or use [] for none)';
const ACCEPTED = '(accepted keys: "prod", "pr", "pk", "include_columns", "exclude_columns")';

// Datafold's own example (datafold-ci-api.md) byte for byte: // comments and both column lists.
const DATAFOLD_EXAMPLE = readFileSync(
  new URL('../__fixtures__/datafold-docs-diffs.jsonc', import.meta.url),
  'utf8'
);

/** The warning for an entry with both column lists; `shared` as it reads in the message. */
const bothLists = (entry: number, shared = ''): string =>
  `entry ${entry}: Datafold ignores "exclude_columns" when "include_columns" is set, so only the ` +
  `columns in "include_columns" are compared${shared}; leave "exclude_columns" out to say what Datafold does`;

describe('formatProblem', () => {
  it('prefixes the file, line and column', () => {
    expect(formatProblem('ci/diffs.json', { line: 7, column: 12, message: 'entry 2: oops' })).toBe(
      'ci/diffs.json:7:12: entry 2: oops'
    );
  });
});

describe('validateDiffs: bad diffs files', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'empty text',
      '',
      ['diffs.json:1:1: the diffs are empty: expected a JSON array of diff entries']
    ],
    [
      'only whitespace and comments',
      file('  ', '// diffs go here', '/* later */  '),
      ['diffs.json:1:1: the diffs are empty: expected a JSON array of diff entries']
    ],
    [
      'a single entry not wrapped in an array',
      file('', '{"prod": "a", "pr": "b", "pk": null}'),
      [
        'diffs.json:2:1: the top level must be an array of diff entries, found an object (put a single entry inside [ ])'
      ]
    ],
    [
      'a string at the top level',
      '  "diffs.json"',
      ['diffs.json:1:3: the top level must be an array of diff entries, found a string']
    ],
    [
      'null at the top level',
      'null',
      ['diffs.json:1:1: the top level must be an array of diff entries, found null']
    ],
    [
      'a missing comma between entries',
      file(
        '[',
        '  {"prod": "a", "pr": "b", "pk": []}',
        '  {"prod": "c", "pr": "d", "pk": []}',
        ']'
      ),
      ['diffs.json:3:3: invalid JSON: expected a comma or closing bracket']
    ],
    [
      'an unclosed array',
      '[{"prod": "a", "pr": "b", "pk": []}',
      ['diffs.json:1:36: invalid JSON: expected a comma or closing bracket ]']
    ],
    [
      'several syntax errors, all reported',
      file('[', '  {"prod": "a" "pr": "b"},', '  True', ']'),
      [
        'diffs.json:2:16: invalid JSON: expected a comma or closing bracket',
        'diffs.json:3:3: invalid JSON: unexpected character or word (strings need double quotes)'
      ]
    ],
    [
      'a missing colon',
      file('[', '  {"prod" "a"}', ']'),
      ['diffs.json:2:11: invalid JSON: expected a colon after the key']
    ],
    [
      'two commas in a row',
      file('[', '  {"prod": "a"},,', '  {"pr": "b"}', ']'),
      ['diffs.json:2:17: invalid JSON: expected a value']
    ],
    [
      'a second value after the array',
      file('[]', '[]'),
      ['diffs.json:2:1: invalid JSON: unexpected text after the end of the top-level value']
    ],
    [
      'an unterminated block comment',
      '[] /* todo',
      ['diffs.json:1:4: invalid JSON: unterminated /* comment']
    ],
    [
      'an unterminated string',
      '[{"prod": "a}]',
      [
        'diffs.json:1:11: invalid JSON: unterminated string (missing closing double quote)',
        'diffs.json:1:15: invalid JSON: expected a comma or closing brace }',
        'diffs.json:1:15: invalid JSON: expected a comma or closing bracket ]'
      ]
    ],
    [
      'an unescaped backslash in a Windows-style name',
      '[{"prod": "C:\\data", "pr": "b", "pk": []}]',
      [
        'diffs.json:1:11: invalid JSON: invalid escape sequence in string (write a backslash as \\\\)'
      ]
    ],
    [
      'a raw tab inside a string',
      '[{"prod": "a\tb", "pr": "b", "pk": []}]',
      [
        'diffs.json:1:11: invalid JSON: control character in string (escape tabs and newlines as \\t and \\n)'
      ]
    ],
    [
      'a syntax error inside a value of the wrong type',
      '[{"prod": "a", "pr": "b", "pk": {"id" 1}}]',
      ['diffs.json:1:39: invalid JSON: expected a colon after the key']
    ],
    [
      'a syntax error inside an element that is not an entry',
      '[5, [1 2]]',
      ['diffs.json:1:8: invalid JSON: expected a comma or closing bracket']
    ],
    [
      'elements that are not objects',
      file(
        '[',
        '  {"prod": "a", "pr": "b", "pk": null},',
        '  "ANALYTICS.PROD.ORDERS",',
        '  [],',
        '  null',
        ']'
      ),
      [
        'diffs.json:3:3: entry 2: expected an object with "prod", "pr" and "pk", found a string',
        'diffs.json:4:3: entry 3: expected an object with "prod", "pr" and "pk", found an array',
        'diffs.json:5:3: entry 4: expected an object with "prod", "pr" and "pk", found null'
      ]
    ],
    [
      'a missing "pr"',
      file(
        '[',
        '  {"prod": "a", "pr": "b", "pk": []},',
        '  {',
        '    "prod": "c",',
        '    "pk": []',
        '  }',
        ']'
      ),
      [`diffs.json:3:3: entry 2: "pr" is required ${PR_HINT}`]
    ],
    [
      'an empty entry',
      '[{}]',
      [
        `diffs.json:1:2: entry 1: "prod" is required ${PROD_HINT}`,
        `diffs.json:1:2: entry 1: "pr" is required ${PR_HINT}`,
        `diffs.json:1:2: entry 1: "pk" is required ${PK_HINT}`
      ]
    ],
    [
      'table names that are not non-empty strings',
      file(
        '[',
        '  {"prod": 42, "pr": "", "pk": []},',
        '  {"prod": "  ", "pr": "b", "pk": []}',
        ']'
      ),
      [
        `diffs.json:2:12: entry 1: "prod" must be a non-empty string ${PROD_HINT}, found a number`,
        `diffs.json:2:22: entry 1: "pr" must be a non-empty string ${PR_HINT}, found an empty string`,
        `diffs.json:3:12: entry 2: "prod" must be a non-empty string ${PROD_HINT}, found a blank string`
      ]
    ],
    [
      '"pk" of the wrong type or missing',
      file(
        '[',
        '  {"prod": "a", "pr": "b", "pk": "id"},',
        '  {"prod": "c", "pr": "d", "pk": {"id": true}},',
        '  {"prod": "e", "pr": "f"}',
        ']'
      ),
      [
        'diffs.json:2:34: entry 1: "pk" must be an array of column names or null, found a string (did you mean ["id"]?)',
        'diffs.json:3:34: entry 2: "pk" must be an array of column names or null, found an object',
        `diffs.json:4:3: entry 3: "pk" is required ${PK_HINT}`
      ]
    ],
    [
      'bad and repeated "pk" items',
      file('[', '  {"prod": "a", "pr": "b", "pk": ["id", "", 7, "id", "ts"]}', ']'),
      [
        'diffs.json:2:41: entry 1: "pk" item 2 must be a non-empty string, found an empty string',
        'diffs.json:2:45: entry 1: "pk" item 3 must be a non-empty string, found a number',
        'diffs.json:2:48: entry 1: "pk" has "id" twice'
      ]
    ],
    [
      '"include_columns": null',
      file('[', '  {"prod": "a", "pr": "b", "pk": [], "include_columns": null}', ']'),
      [`diffs.json:2:57: entry 1: "include_columns" must be ${COLUMNS}, found null`]
    ],
    [
      '"exclude_columns" given as one string',
      file('[', '  {"prod": "a", "pr": "b", "pk": [], "exclude_columns": "ts"}', ']'),
      [
        `diffs.json:2:57: entry 1: "exclude_columns" must be ${COLUMNS}, found a string (did you mean ["ts"]?)`
      ]
    ],
    [
      'bad and repeated "exclude_columns" items',
      file('[', '  {"prod": "a", "pr": "b", "pk": [], "exclude_columns": ["ts", true, "ts"]}', ']'),
      [
        'diffs.json:2:64: entry 1: "exclude_columns" item 2 must be a non-empty string, found a boolean',
        'diffs.json:2:70: entry 1: "exclude_columns" has "ts" twice'
      ]
    ],
    [
      'a singular "exclude_column"',
      file('[', '  {"prod": "a", "pr": "b", "pk": [], "exclude_column": ["x"]}', ']'),
      ['diffs.json:2:38: entry 1: unknown key "exclude_column" (did you mean "exclude_columns"?)']
    ],
    [
      'unknown keys, with and without a suggestion',
      file(
        '[',
        '  {"prod": "a", "pr": "b", "PK": []},',
        '  {"prd": "a", "pr": "c", "pk": []},',
        '  {"prod": "a", "pr": "d", "pk": [], "table": "x"},',
        '  {"prod": "a", "pr": "e", "pk": [], "id": 1}',
        ']'
      ),
      [
        `diffs.json:2:3: entry 1: "pk" is required ${PK_HINT}`,
        'diffs.json:2:28: entry 1: unknown key "PK" (did you mean "pk"?)',
        `diffs.json:3:3: entry 2: "prod" is required ${PROD_HINT}`,
        'diffs.json:3:4: entry 2: unknown key "prd" (did you mean "prod"?)',
        `diffs.json:4:38: entry 3: unknown key "table" ${ACCEPTED}`,
        `diffs.json:5:38: entry 4: unknown key "id" ${ACCEPTED}`
      ]
    ],
    [
      'a key given twice in one entry',
      file(
        '[',
        '  {',
        '    "prod": "a",',
        '    "pr": "b",',
        '    "pk": ["id"],',
        '    "pk": []',
        '  }',
        ']'
      ),
      ['diffs.json:6:5: entry 1: duplicate key "pk" (give each key once)']
    ],
    [
      'entries repeating a prod/pr pair',
      file(
        '[',
        '  {"prod": "a", "pr": "b", "pk": []},',
        '  {"prod": "a", "pr": "c", "pk": []},',
        '  {"prod": "a", "pr": "b", "pk": ["id"]},',
        '  {"prod": "a", "pr": "c", "pk": null}',
        ']'
      ),
      [
        'diffs.json:4:3: entry 3: same "prod" and "pr" as entry 1',
        'diffs.json:5:3: entry 4: same "prod" and "pr" as entry 2'
      ]
    ]
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    const result = validateDiffs(text);
    expect(format(result.errors)).toEqual(expected);
  });
});

describe('validateDiffs: key suggestions', () => {
  it.each([
    ['exclude_column', 'exclude_columns'],
    ['include_column', 'include_columns'],
    ['includeColumns', 'include_columns'],
    ['Exclude-Columns', 'exclude_columns'],
    ['exclude_cols', 'exclude_columns'],
    ['PROD', 'prod'],
    ['Pr', 'pr'],
    ['pks', 'pk'],
    ['prods', 'prod'],
    ['primary_key', 'pk'],
    ['primaryKeys', 'pk'],
    ['exclude', 'exclude_columns']
  ])('suggests a known key for "%s"', (key, known) => {
    const text = `[{"prod": "a", "pr": "b", "pk": [], ${JSON.stringify(key)}: []}]`;
    expect(validateDiffs(text).errors.map((problem) => problem.message)).toContain(
      `entry 1: unknown key ${JSON.stringify(key)} (did you mean "${known}"?)`
    );
  });

  it.each([
    'id',
    'foo',
    'columns',
    'prod_table',
    'constructor',
    'a_very_long_key_name_that_matches_nothing'
  ])('lists the accepted keys for "%s" rather than guess', (key) => {
    const text = `[{"prod": "a", "pr": "b", "pk": [], ${JSON.stringify(key)}: 1}]`;
    expect(validateDiffs(text).errors.map((problem) => problem.message)).toEqual([
      `entry 1: unknown key ${JSON.stringify(key)} ${ACCEPTED}`
    ]);
  });
});

describe('validateDiffs: valid files', () => {
  it("accepts Datafold's documentation example as written, with a warning on its lists", () => {
    expect(validateDiffs(DATAFOLD_EXAMPLE)).toEqual({
      entries: [
        {
          prod: 'MY.PROD.TABLE',
          pr: 'MY.PR.TABLE',
          pk: ['MY', 'PK', 'LIST'],
          include_columns: ['COLUMNS', 'TO', 'INCLUDE'],
          exclude_columns: ['COLUMNS', 'TO', 'EXCLUDE']
        }
      ],
      errors: [],
      warnings: [
        { line: 8, column: 24, message: bothLists(1, ' ("COLUMNS" and "TO" are in both lists)') }
      ]
    });
  });

  it('normalises key order and fills in the optional column lists', () => {
    const text = file(
      '[',
      '  {"exclude_columns": ["x"], "pk": null, "pr": "B", "prod": "A"},',
      '  {"pk": [], "include_columns": ["y", "z"], "prod": "C", "pr": "D"},',
      '  {"prod": " E ", "pr": "F", "pk": ["id", "ID"]}',
      ']'
    );
    const { entries, errors } = validateDiffs(text);
    expect(errors).toEqual([]);
    // Exact JSON checks the key order too: it is what gets sent to Datafold.
    expect(JSON.stringify(entries)).toBe(
      '[' +
        '{"prod":"A","pr":"B","pk":null,"include_columns":[],"exclude_columns":["x"]},' +
        '{"prod":"C","pr":"D","pk":[],"include_columns":["y","z"],"exclude_columns":[]},' +
        '{"prod":" E ","pr":"F","pk":["id","ID"],"include_columns":[],"exclude_columns":[]}' +
        ']'
    );
  });

  it('ignores a leading UTF-8 byte order mark', () => {
    const { entries, errors } = validateDiffs('\uFEFF[{"prod": "a", "pr": "b", "pk": []}]');
    expect(errors).toEqual([]);
    expect(entries).toHaveLength(1);
  });

  it('does not count the byte order mark as a column', () => {
    expect(errorsOf('\uFEFF{"prod": "a"}')).toEqual([
      'diffs.json:1:1: the top level must be an array of diff entries, found an object (put a single entry inside [ ])'
    ]);
  });

  it('accepts trailing commas in arrays and objects', () => {
    const { entries, errors } = validateDiffs(
      file('[', '  {"prod": "a", "pr": "b", "pk": ["id",], "include_columns": ["x",],},', ']')
    );
    expect(errors).toEqual([]);
    expect(entries).toEqual([
      { prod: 'a', pr: 'b', pk: ['id'], include_columns: ['x'], exclude_columns: [] }
    ]);
  });

  it('places problems correctly in a file with CRLF line endings', () => {
    const text = [
      '[\r',
      '  {"prod": "a", "pr": "b", "pk": []},\r',
      '  {"prod": "c", "pr": "d", "pk": "id"}\r',
      ']\r',
      ''
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      'diffs.json:3:34: entry 2: "pk" must be an array of column names or null, found a string (did you mean ["id"]?)'
    ]);
  });

  it('treats a lone carriage return as a line break, as editors do', () => {
    expect(errorsOf('[\r  1\r]')).toEqual([
      'diffs.json:2:3: entry 1: expected an object with "prod", "pr" and "pk", found a number'
    ]);
  });

  it('validates a 100,000-entry file and places problems at its end', () => {
    const count = 100_000;
    const lines = Array.from(
      { length: count },
      (_, i) =>
        `  {"prod": "PROD.T${i}", "pr": "PR.T${i}", "pk": ["id"], "exclude_columns": ["ts"]},`
    );
    const big = validateDiffs(['[', ...lines, ']'].join('\n'));
    expect(big.errors).toEqual([]);
    expect(big.warnings).toEqual([]);
    expect(big.entries).toHaveLength(count);
    expect(big.entries[count - 1]).toEqual({
      prod: `PROD.T${count - 1}`,
      pr: `PR.T${count - 1}`,
      pk: ['id'],
      include_columns: [],
      exclude_columns: ['ts']
    });

    // The last entry repeats the first: the line lookup must find line count + 1.
    lines[count - 1] = '  {"prod": "PROD.T0", "pr": "PR.T0", "pk": []}';
    expect(errorsOf(['[', ...lines, ']'].join('\n'))).toEqual([
      `diffs.json:${count + 1}:3: entry ${count}: same "prod" and "pr" as entry 1`
    ]);
  });
});

describe('validateDiffs: warnings', () => {
  it('warns when "prod" and "pr" name the same table, at the "pr" value', () => {
    const text = file('[', '  {"prod": "A.B.C", "pr": "A.B.C", "pk": []}', ']');
    const result = validateDiffs(text);
    expect(result.errors).toEqual([]);
    expect(result.entries).toHaveLength(1);
    expect(format(result.warnings)).toEqual([
      'diffs.json:2:27: entry 1: "prod" and "pr" are the same table, the diff will find no differences'
    ]);
  });

  it('warns about an empty array but accepts it', () => {
    const result = validateDiffs(file('// nothing changed', '[ ]'));
    expect(result.errors).toEqual([]);
    expect(result.entries).toEqual([]);
    expect(format(result.warnings)).toEqual([
      'diffs.json:2:1: the diffs array is empty: Datafold will be told there is nothing to diff'
    ]);
  });

  it('reports warnings next to errors, each list in document order', () => {
    const text = file(
      '[',
      '  {"prod": "x", "pr": "x", "pk": []},',
      '  {"prod": "y", "pr": "z"},',
      '  {"prod": "w", "pr": "w", "pk": []}',
      ']'
    );
    expect(warningsOf(text)).toEqual([
      'diffs.json:2:23: entry 1: "prod" and "pr" are the same table, the diff will find no differences',
      'diffs.json:4:23: entry 3: "prod" and "pr" are the same table, the diff will find no differences'
    ]);
    expect(errorsOf(text)).toEqual([`diffs.json:3:3: entry 2: "pk" is required ${PK_HINT}`]);
  });

  it('warns at "exclude_columns" when both lists are set, naming the columns in both', () => {
    const text = file(
      '[',
      '  {"prod": "a", "pr": "b", "pk": [], "include_columns": ["x"], "exclude_columns": ["y"]},',
      '  {',
      '    "prod": "c",',
      '    "pr": "d",',
      '    "pk": ["id"],',
      '    "exclude_columns": ["updated_at", "id", "name", "ts"],',
      '    "include_columns": ["ts", "id", "name"]',
      '  },',
      '  {"prod": "e", "pr": "f", "pk": [], "include_columns": ["id"], "exclude_columns": ["id"]}',
      ']'
    );
    const result = validateDiffs(text);
    expect(result.errors).toEqual([]);
    expect(format(result.warnings)).toEqual([
      `diffs.json:2:83: ${bothLists(1)}`,
      `diffs.json:7:24: ${bothLists(2, ' ("id", "name" and "ts" are in both lists)')}`,
      `diffs.json:10:84: ${bothLists(3, ' ("id" is in both lists)')}`
    ]);
    // Submitted as written: Datafold applies its own rule.
    expect(result.entries.map((e) => [e.include_columns, e.exclude_columns])).toEqual([
      [['x'], ['y']],
      [
        ['ts', 'id', 'name'],
        ['updated_at', 'id', 'name', 'ts']
      ],
      [['id'], ['id']]
    ]);
  });

  it('does not warn when one of the lists is empty', () => {
    const text = file(
      '[',
      '  {"prod": "a", "pr": "b", "pk": [], "include_columns": ["x"], "exclude_columns": []},',
      '  {"prod": "c", "pr": "d", "pk": [], "include_columns": [], "exclude_columns": ["y"]}',
      ']'
    );
    expect(validateDiffs(text)).toMatchObject({ errors: [], warnings: [] });
  });

  it('gives no warnings for a file with syntax errors', () => {
    expect(validateDiffs('[{"prod": "a", "pr": "a", "pk": [] ]').warnings).toEqual([]);
  });
});

describe('validateDiffs: nesting', () => {
  const TOO_DEEP =
    'nested deeper than 32 levels: a diffs file needs 3 (the array, its entries, their column lists); check the brackets from here';

  it('accepts 32 levels and refuses the 33rd at its bracket', () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(errorsOf(nested(32))).toEqual([
      'diffs.json:1:2: entry 1: expected an object with "prod", "pr" and "pk", found an array'
    ]);
    expect(errorsOf(nested(33))).toEqual([`diffs.json:1:33: ${TOO_DEEP}`]);
  });

  it('finds the level inside an entry, objects and arrays alike', () => {
    const deep = '{"a": ['.repeat(16) + '1' + ']}'.repeat(16);
    const text = file('[', `  {"prod": "a", "pr": "b", "pk": [], "x": ${deep}}`, ']');
    // Levels: the array, the entry, then two per "{"a": [": the 33rd is the 16th "{".
    expect(errorsOf(text)).toEqual([`diffs.json:2:${43 + 7 * 15}: ${TOO_DEEP}`]);
  });

  it('keeps the syntax errors before the level too deep', () => {
    expect(errorsOf(file('[1 2,', '[[' + '['.repeat(40)))).toEqual([
      'diffs.json:1:4: invalid JSON: expected a comma or closing bracket',
      `diffs.json:2:32: ${TOO_DEEP}`
    ]);
  });

  it.each([5_000, 100_000])('survives %i nested brackets, closed or not', (depth) => {
    const open = '['.repeat(depth);
    for (const text of [open, open + ']'.repeat(depth), '{"a":'.repeat(depth)]) {
      expect(errorsOf(text)).toEqual([
        `diffs.json:1:${text.startsWith('{') ? 1 + 5 * 32 : 33}: ${TOO_DEEP}`
      ]);
    }
  });
});

describe('validateDiffs: many problems at once', () => {
  const text = file(
    '[',
    '  {',
    '    "include_columns": ["id", "id"],',
    '    "prod": "",',
    '    "exclude_column": [],',
    '    "exclude_columns": ["id"],',
    '    "pk": "id"',
    '  },',
    '  {"prod": "ok.a", "pr": "ok.b", "pk": []},',
    '  42,',
    '  {"prod": "ok.a", "pr": "ok.b", "pk": [""]}',
    ']'
  );

  it('reports every problem, in document order', () => {
    expect(errorsOf(text)).toEqual([
      `diffs.json:2:3: entry 1: "pr" is required ${PR_HINT}`,
      'diffs.json:3:31: entry 1: "include_columns" has "id" twice',
      `diffs.json:4:13: entry 1: "prod" must be a non-empty string ${PROD_HINT}, found an empty string`,
      'diffs.json:5:5: entry 1: unknown key "exclude_column" (did you mean "exclude_columns"?)',
      'diffs.json:7:11: entry 1: "pk" must be an array of column names or null, found a string (did you mean ["id"]?)',
      'diffs.json:10:3: entry 3: expected an object with "prod", "pr" and "pk", found a number',
      'diffs.json:11:3: entry 4: same "prod" and "pr" as entry 2',
      'diffs.json:11:41: entry 4: "pk" item 1 must be a non-empty string, found an empty string'
    ]);
  });

  it('keeps only the entries that passed every check', () => {
    expect(validateDiffs(text).entries).toEqual([
      { prod: 'ok.a', pr: 'ok.b', pk: [], include_columns: [], exclude_columns: [] }
    ]);
  });
});
