// @ts-check
/**
 * Runs after ncc. Writes dist/licenses.txt for every package the bundle contains (read off the
 * source maps: ncc's own list misses the ES modules it concatenates); then drops the copy of
 * every source from the maps: their mappings still lead stack traces to file and line
 * (`node --enable-source-maps`), and without the copies dist/ stays small.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const packages = new Set();

if (!existsSync(path.join(dist, 'index.js')))
  throw new Error('dist/index.js is missing: did ncc run?');

for (const name of readdirSync(dist).filter((file) => file.endsWith('.map'))) {
  const file = path.join(dist, name);
  const map = JSON.parse(readFileSync(file, 'utf8'));
  for (const source of map.sources) {
    // The innermost package: a nested copy is a package of its own.
    const match = /^.*node_modules\/(?:@[^/]+\/)?[^/]+(?=\/)/.exec(source);
    if (match) packages.add(match[0].slice(match[0].indexOf('node_modules/')));
  }
  delete map.sourcesContent;
  writeFileSync(file, JSON.stringify(map));
}

const notices = [...packages].sort().map((packagePath) => {
  const directory = path.join(root, packagePath);
  const { name, version, license } = JSON.parse(
    readFileSync(path.join(directory, 'package.json'), 'utf8')
  );
  const licenseFile = readdirSync(directory).find((file) =>
    /^(license|licence|copying)(\.|$)/i.test(file)
  );
  const text = licenseFile ? readFileSync(path.join(directory, licenseFile), 'utf8').trim() : '';
  return `${name} ${version}\n${license ?? 'UNKNOWN'}\n${text}`;
});
writeFileSync(path.join(dist, 'licenses.txt'), `${notices.join('\n\n')}\n`);
