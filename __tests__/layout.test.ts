// src/ reads top-down: no import cycle among its files, nor among its folders (type-only
// imports count: a cycle of types is a cycle of concepts).
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const src = fileURLToPath(new URL('../src', import.meta.url));

/** Each src/ file (relative, without extension) and the src/ files it imports. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) =>
    /\.ts$/.test(file)
  );
  const known = new Set(files.map((file) => file.replace(/\.ts$/, '')));
  return new Map(
    [...known].map((file) => {
      const { importedFiles } = ts.preProcessFile(
        readFileSync(path.join(src, `${file}.ts`), 'utf8')
      );
      const targets = importedFiles
        .map(({ fileName }) => fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => path.join(path.dirname(file), name).replace(/\.js$/, ''));
      return [file, targets.filter((target) => known.has(target))];
    })
  );
}

/** The cycles of a graph, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

/** The graph of folders: an edge where a file of one imports a file of another. */
function folderGraph(files: Map<string, string[]>): Map<string, string[]> {
  const folder = (file: string) => path.dirname(file);
  const graph = new Map<string, string[]>();
  for (const [file, targets] of files) {
    const edges = graph.get(folder(file)) ?? [];
    for (const target of targets)
      if (folder(target) !== folder(file) && !edges.includes(folder(target)))
        edges.push(folder(target));
    graph.set(folder(file), edges);
  }
  return graph;
}

describe('the layout of src/', () => {
  const graph = importGraph();

  it('reads its imports, so the checks below can fail', () => {
    expect(graph.get('main')).toEqual(expect.arrayContaining(['inputs/inputs', 'report/report']));
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']]
        ])
      )
    ).toEqual([['a', 'b', 'a']]);
  });

  it('has no import cycle among its files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no import cycle among its folders', () => {
    expect(cycles(folderGraph(graph))).toEqual([]);
  });
});
