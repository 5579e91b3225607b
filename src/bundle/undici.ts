/**
 * The bundle maps "undici" here (tsconfig "paths", which ncc follows). @actions/http-client
 * and @actions/github import undici at load time, yet use it only for GitHub API requests
 * (`fetch`) and HTTPS proxies (`ProxyAgent`); loading its ~900 kB on every start would
 * double the action's start-up time. This loads the real one, as a chunk of its own, on
 * the first GitHub request.
 */
import type * as Undici from '../../node_modules/undici/index.js';

type FetchInit = Parameters<typeof Undici.fetch>[1];

let real: Promise<typeof Undici> | undefined;
const load = () => (real ??= import('../../node_modules/undici/index.js'));

const agents = new WeakMap<ProxyAgent, Undici.ProxyAgent>();

/** Stands in for undici's ProxyAgent until a request goes through it. */
export class ProxyAgent {
  constructor(readonly options: Undici.ProxyAgent.Options) {}
}

export async function fetch(input: Parameters<typeof Undici.fetch>[0], init?: FetchInit) {
  const undici = await load();
  const dispatcher = init?.dispatcher;
  if (dispatcher instanceof ProxyAgent) {
    let agent = agents.get(dispatcher);
    if (!agent) agents.set(dispatcher, (agent = new undici.ProxyAgent(dispatcher.options)));
    return undici.fetch(input, { ...init, dispatcher: agent });
  }
  return undici.fetch(input, init);
}
