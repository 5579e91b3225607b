/**
 * The bundle maps "undici" here (tsconfig "paths", which ncc follows). @actions/http-client
 * and @actions/github import undici at load time for their fetch, but the action gives
 * Octokit its own proxy-aware fetch (src/http/transport.ts). Bundled, undici would double
 * dist/index.js (1.8 MB instead of 0.9 MB) and add about a third to every start (measured:
 * 253 ms instead of 192 ms to load, on Node 20). These stand-ins satisfy the imports and fail
 * loudly if ever used.
 */
export class ProxyAgent {
  constructor(readonly options: unknown) {}
}

export function fetch(): never {
  throw new Error("undici is not bundled: GitHub requests go through the action's own fetch.");
}
