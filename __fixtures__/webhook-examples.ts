import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** GitHub's own example webhook payloads, from @octokit/webhooks-examples. */
const definitions = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')
) as { name: string; examples: Payload[] }[];

/** Deep copies of every example of an event, so a test may edit its own. */
export function examples(eventName: string): Payload[] {
  const found = definitions.find((definition) => definition.name === eventName);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${eventName} examples`);
  return found.examples.map((example) => structuredClone(example));
}

/** The first example of an event that passes `predicate`. */
export function example(eventName: string, predicate: (payload: Payload) => boolean = () => true): Payload {
  const found = examples(eventName).find(predicate);
  if (!found) throw new Error(`no ${eventName} example matches`);
  return found;
}
