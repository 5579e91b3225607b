// @ts-check
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';

/**
 * Minifies every script ncc wrote to `dir` with dead code removed (ncc's own `--minify` keeps
 * every export that nothing uses, which is most of zod, and skips chunks), carrying the source
 * maps along, and marks `dir` as CommonJS: the chunks end in .js, and the repository's
 * package.json says ES modules.
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
    writeFileSync(file, minified.code ?? '');
    if (mapped) writeFileSync(`${file}.map`, String(minified.map));
  }
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }\n');
}
