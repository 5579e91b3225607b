/**
 * Jest setup: a test must not print workflow commands (`::error::`, `::add-mask::` …) where a
 * GitHub runner running the suite would obey them, nor leave stdout or stderr patched. Such a
 * line is held back and the test fails, naming it.
 */
import { afterEach, beforeEach } from '@jest/globals';

/** The runner reads a workflow command from any line that starts with `::`. */
const COMMAND_LINE = /^\s*::/m;

const held: string[] = [];
const guards = new Map<NodeJS.WriteStream, NodeJS.WriteStream['write']>();

for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write;
  const guard = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString();
    if (!COMMAND_LINE.test(text))
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    held.push(text);
    // Writes complete: the callback, if any, is the last argument.
    const callback = rest.at(-1);
    if (typeof callback === 'function') callback();
    return true;
  } as NodeJS.WriteStream['write'];
  stream.write = guard;
  guards.set(stream, guard);
}

beforeEach(() => {
  for (const [stream, guard] of guards) {
    if (stream.write !== guard) {
      stream.write = guard;
      const name = stream === process.stdout ? 'stdout' : 'stderr';
      throw new Error(`An earlier test left process.${name}.write patched: restore it.`);
    }
  }
});

afterEach(() => {
  if (held.length === 0) return;
  const lines = held.splice(0).map((text) => JSON.stringify(text));
  throw new Error(
    `The test wrote workflow commands to the real stdout or stderr (held back): ${lines.join(', ')}. Capture or mock the output.`
  );
});
