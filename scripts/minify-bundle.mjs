// @ts-check
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';
import ts from 'typescript';
import { decodeVlq, encodeVlq } from './vlq.mjs';

/**
 * Minifies every script ncc wrote to `dir` with dead code removed (ncc's own `--minify` keeps
 * every export that nothing uses, which is most of zod, and skips chunks), makes its module
 * wrappers compile eagerly (see eagerModuleWrappers), carrying the source maps along, and marks
 * `dir` as CommonJS: the chunks end in .js, and the repository's package.json says ES modules.
 * @param {string} dir
 */
export async function minifyBundle(dir) {
  for (const name of readdirSync(dir).filter((file) => /\.c?js$/.test(file))) {
    const file = path.join(dir, name);
    const mapped = existsSync(`${file}.map`);
    const minified = await minify(readFileSync(file, 'utf8'), {
      compress: { passes: 2 },
      // Names kept, so stack traces stay readable.
      keep_classnames: true,
      keep_fnames: true,
      sourceMap: mapped && { content: readFileSync(`${file}.map`, 'utf8'), url: `${name}.map` }
    });
    const code = minified.code ?? '';
    const edits = eagerModuleWrappers(code);
    writeFileSync(file, applyEdits(code, edits));
    if (mapped) {
      const map = JSON.parse(String(minified.map));
      map.mappings = shiftMappings(map.mappings, code, edits);
      writeFileSync(`${file}.map`, JSON.stringify(map));
    }
  }
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }\n');
}

/** @typedef {{ at: number, remove: number, text: string }} Edit  `remove` characters at `at` become `text` */

/**
 * V8 compiles a function when it is first called, after pre-parsing it with its file, so each
 * module wrapper webpack emits (`17:(e,t,r)=>{…}`, run once at load) is parsed twice at every
 * start. A function expression in parentheses is compiled with its file instead (V8's "PIFE"
 * heuristic), which saves 5–10 ms a run. Terser drops such parentheses, so this puts them back:
 * `17:(function(e,t,r){…})`. Wrappers using what a function would see differently (`this`,
 * `arguments`, `super`, `new.target`) are left as they are.
 * @param {string} code
 * @returns {Edit[]} in document order
 */
function eagerModuleWrappers(code) {
  const file = ts.createSourceFile(
    'bundle.js',
    code,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.JS
  );
  /** @type {Edit[]} */
  const edits = [];
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isPropertyAssignment(node) && ts.isNumericLiteral(node.name)) {
      const wrapper = node.initializer;
      if (
        ts.isArrowFunction(wrapper) &&
        ts.isBlock(wrapper.body) &&
        !wrapper.modifiers?.length &&
        !usesArrowScope(wrapper.body)
      ) {
        const start = wrapper.getStart(file);
        const parenthesized = code[start] === '(';
        edits.push(
          { at: start, remove: 0, text: parenthesized ? '(function' : '(function(' },
          {
            at: wrapper.equalsGreaterThanToken.getStart(file),
            remove: 2,
            text: parenthesized ? '' : ')'
          },
          { at: wrapper.end, remove: 0, text: ')' }
        );
        return; // module wrappers do not nest
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return edits;
}

/**
 * Whether `this`, `arguments`, `super` or `new.target` appear outside any nested non-arrow
 * function, i.e. would mean something else once the enclosing arrow becomes a function.
 * @param {ts.Node} node
 * @returns {boolean}
 */
function usesArrowScope(node) {
  if (node.kind === ts.SyntaxKind.ThisKeyword || node.kind === ts.SyntaxKind.SuperKeyword)
    return true;
  if (ts.isIdentifier(node) && node.text === 'arguments') return true;
  if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.NewKeyword) return true;
  if (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) return false;
  return ts.forEachChild(node, usesArrowScope) ?? false;
}

/**
 * @param {string} code
 * @param {Edit[]} edits in document order
 */
function applyEdits(code, edits) {
  let result = '';
  let from = 0;
  for (const { at, remove, text } of edits) {
    result += code.slice(from, at) + text;
    from = at + remove;
  }
  return result + code.slice(from);
}

/**
 * The source map mappings for the edited code: every generated column moves by what the edits
 * before it inserted and removed; a column inside removed text lands where that text was.
 * @param {string} mappings
 * @param {string} code  the code before the edits
 * @param {Edit[]} edits in document order, none of them adding or removing a line break
 */
function shiftMappings(mappings, code, edits) {
  /** @param {number} offset */
  const moved = (offset) => {
    let shift = 0;
    for (const { at, remove, text } of edits) {
      if (at > offset) break;
      if (remove > 0 && offset < at + remove) return at + shift;
      shift += text.length - remove;
    }
    return offset + shift;
  };
  let lineStart = 0;
  return mappings
    .split(';')
    .map((line) => {
      const movedLineStart = moved(lineStart);
      let column = 0;
      let previous = 0;
      const shifted = line.split(',').map((segment) => {
        if (segment === '') return segment;
        const [delta] = decodeVlq(segment);
        column += delta;
        const movedColumn = moved(lineStart + column) - movedLineStart;
        const rest = segment.slice(encodeVlq(delta).length);
        const encoded = encodeVlq(movedColumn - previous) + rest;
        previous = movedColumn;
        return encoded;
      });
      lineStart = code.indexOf('\n', lineStart) + 1 || code.length + 1;
      return shifted.join(',');
    })
    .join(';');
}
