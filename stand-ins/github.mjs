// @ts-check
/**
 * A loopback stand-in for the few GitHub REST endpoints the action reads, for one repository.
 * Responses are GitHub's own shapes: pull requests are built on the `pull_request` example from
 * @octokit/webhooks-examples (the webhook object is the REST object), the files list paginates
 * with a real `Link` header and stops at 3000 files as GitHub does, and errors carry GitHub's
 * `{message, documentation_url, status}` bodies.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import { startServer } from './server.mjs';

/** @typedef {import('./server.mjs').Reply} Reply */
/** @typedef {import('./server.mjs').Fault} Fault */

/**
 * @typedef {object} FileSpec
 * @property {string} filename
 * @property {'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'} [status]  default 'modified'
 * @property {string} [previous_filename]  for renames
 */

/**
 * @typedef {object} PullSpec
 * @property {number} number
 * @property {'open' | 'closed'} [state]  default 'open'
 * @property {string} [title]
 * @property {{ sha: string, ref: string }} head
 * @property {{ sha: string, ref: string }} base
 * @property {string[]} [labels]  label names
 * @property {FileSpec[]} [files]
 * @property {number} [changedFiles]  `changed_files`; defaults to files.length (set it higher to pass the 3000 cap)
 * @property {string[]} [shas]  other commits on the PR branch: GET /commits/{sha}/pulls finds the PR by them too
 */

/**
 * @typedef {object} GitHubOptions
 * @property {string} [repository]  'owner/repo' (default 'owner/repo')
 * @property {string} [token]  when set, requests must carry `authorization: token|Bearer <token>`
 * @property {PullSpec[]} [pulls]
 * @property {Record<string, string>} [commits]  sha → commit message; PR head SHAs default to DEFAULT_COMMIT_MESSAGE
 */

/** @typedef {import('./server.mjs').Server} GitHub */

export const DEFAULT_COMMIT_MESSAGE = 'Update the orders model';
/** GitHub stops listing a pull request's files here, whatever `changed_files` says. */
export const FILES_LIMIT = 3000;
const DOCS = 'https://docs.github.com/rest';

/**
 * Ready-made faults with GitHub's real headers and messages, for `script()`.
 */
export const githubFaults = {
  /** The primary rate limit, reset `seconds` from now. @param {number} [seconds] @returns {Fault} */
  rateLimited: (seconds = 1) => ({
    status: 403,
    headers: {
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '1000',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + seconds),
      'x-ratelimit-resource': 'core'
    },
    json: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      status: '403'
    }
  }),
  /** A secondary rate limit, with `retry-after`. @param {number} [seconds] @returns {Fault} */
  secondaryRateLimited: (seconds = 1) => ({
    status: 403,
    headers: { 'retry-after': String(seconds) },
    json: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
      status: '403'
    }
  }),
  /** What a GITHUB_TOKEN without the needed permission gets. @returns {Fault} */
  notAccessible: () => ({
    status: 403,
    json: {
      message: 'Resource not accessible by integration',
      documentation_url: DOCS,
      status: '403'
    }
  })
};

/**
 * @param {GitHubOptions} [options]
 * @returns {Promise<GitHub>}
 */
export async function startGitHub(options = {}) {
  const { repository = 'owner/repo', token, pulls = [], commits = {} } = options;
  /** @type {Array<[kind: string, pattern: RegExp, serve: (id: string, url: URL) => Reply]>} */
  const routes = [
    [
      'pull',
      /^\/pulls\/(\d+)$/,
      (n) => withPull(n, (pull) => ({ status: 200, json: pullJson(pull) }))
    ],
    [
      'files',
      /^\/pulls\/(\d+)\/files$/,
      (n, url) => withPull(n, (pull) => paginate(filesJson(pull), url))
    ],
    [
      'commit-pulls',
      /^\/commits\/([^/]+)\/pulls$/,
      (sha, url) => paginate(pullsWithCommit(sha), url)
    ],
    ['commit', /^\/commits\/([^/]+)$/, commit]
  ];
  let baseUrl = ''; // known once listening; responses carry absolute URLs

  /**
   * @param {string} number
   * @param {(pull: PullSpec) => Reply} serve
   */
  function withPull(number, serve) {
    const pull = pulls.find((p) => p.number === Number(number));
    return pull ? serve(pull) : notFound(`${DOCS}/pulls/pulls#get-a-pull-request`);
  }

  /** @param {string} sha @returns {Reply} */
  function commit(sha) {
    const message =
      commits[sha] ?? (pulls.some((p) => p.head.sha === sha) ? DEFAULT_COMMIT_MESSAGE : undefined);
    // GitHub answers 422, not 404, for a SHA it does not know.
    if (message === undefined)
      return error(422, `No commit found for SHA: ${sha}`, `${DOCS}/commits/commits#get-a-commit`);
    return { status: 200, json: commitJson(sha, message) };
  }

  /** @param {string} sha */
  function pullsWithCommit(sha) {
    return pulls.filter((p) => p.head.sha === sha || p.shas?.includes(sha)).map(pullJson);
  }

  /** @param {PullSpec} spec */
  function pullJson(spec) {
    const [owner] = repository.split('/');
    const pull = pullTemplate(baseUrl, repository, spec.number);
    Object.assign(pull, {
      number: spec.number,
      state: spec.state ?? 'open',
      title: spec.title ?? pull.title,
      statuses_url: `${baseUrl}/repos/${repository}/statuses/${spec.head.sha}`,
      labels: labelsJson(spec),
      changed_files: spec.changedFiles ?? spec.files?.length ?? 0
    });
    for (const side of /** @type {const} */ (['head', 'base'])) {
      Object.assign(pull[side], { ...spec[side], label: `${owner}:${spec[side].ref}` });
    }
    return pull;
  }

  /** @param {PullSpec} spec */
  function labelsJson(spec) {
    return (spec.labels ?? []).map((name) => ({
      id: idFor(name),
      node_id: `LA_${idFor(name)}`,
      url: `${baseUrl}/repos/${repository}/labels/${encodeURIComponent(name)}`,
      name,
      color: 'ededed',
      default: false,
      description: null
    }));
  }

  /** @param {PullSpec} spec */
  function filesJson(spec) {
    return (spec.files ?? [])
      .slice(0, FILES_LIMIT)
      .map(({ filename, status = 'modified', previous_filename }) => {
        const sha = gitSha(filename);
        return {
          sha,
          filename,
          status,
          additions: 1,
          deletions: status === 'added' ? 0 : 1,
          changes: status === 'added' ? 1 : 2,
          blob_url: `https://github.com/${repository}/blob/${spec.head.sha}/${filename}`,
          raw_url: `https://github.com/${repository}/raw/${spec.head.sha}/${filename}`,
          contents_url: `${baseUrl}/repos/${repository}/contents/${filename}?ref=${spec.head.sha}`,
          patch: '@@ -1 +1 @@\n-select 1\n+select 2',
          ...(previous_filename === undefined ? {} : { previous_filename })
        };
      });
  }

  /** @param {string} sha @param {string} message */
  function commitJson(sha, message) {
    const person = {
      name: 'Codertocat',
      email: 'codertocat@example.com',
      date: '2019-05-15T15:20:30Z'
    };
    return {
      sha,
      node_id: `C_${sha.slice(0, 20)}`,
      commit: {
        author: person,
        committer: person,
        message,
        tree: {
          sha: gitSha(`tree ${sha}`),
          url: `${baseUrl}/repos/${repository}/git/trees/${gitSha(`tree ${sha}`)}`
        },
        url: `${baseUrl}/repos/${repository}/git/commits/${sha}`,
        comment_count: 0,
        verification: {
          verified: false,
          reason: 'unsigned',
          signature: null,
          payload: null,
          verified_at: null
        }
      },
      url: `${baseUrl}/repos/${repository}/commits/${sha}`,
      html_url: `https://github.com/${repository}/commit/${sha}`,
      comments_url: `${baseUrl}/repos/${repository}/commits/${sha}/comments`,
      author: null,
      committer: null,
      parents: [],
      stats: { total: 2, additions: 1, deletions: 1 },
      files: []
    };
  }

  /**
   * One page of `items` as GitHub serves lists: `per_page` (default 30, at most 100), `page`,
   * and a Link header with the rels that apply.
   * @param {unknown[]} items
   * @param {URL} url
   * @returns {Reply}
   */
  function paginate(items, url) {
    const perPage = Math.min(
      Math.max(Number(url.searchParams.get('per_page') ?? 30) || 30, 1),
      100
    );
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    /** @param {number} n @param {string} rel */
    const link = (n, rel) => {
      const target = new URL(url.pathname + url.search, baseUrl);
      target.searchParams.set('per_page', String(perPage));
      target.searchParams.set('page', String(n));
      return `<${target}>; rel="${rel}"`;
    };
    const rels = [
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : [])
    ];
    return {
      status: 200,
      json: items.slice((page - 1) * perPage, page * perPage),
      headers: rels.length > 0 ? { link: rels.join(', ') } : {}
    };
  }

  /**
   * @param {string} method
   * @param {URL} url
   * @returns {import('./server.mjs').Route}
   */
  function route(method, url) {
    const prefix = `/repos/${repository}`.toLowerCase(); // GitHub matches owner/repo case-insensitively
    const rest = url.pathname.toLowerCase().startsWith(prefix)
      ? url.pathname.slice(prefix.length)
      : undefined;
    for (const [kind, pattern, serve] of routes) {
      const match = rest === undefined ? null : pattern.exec(rest);
      if (match && method === 'GET')
        return { kind, handle: (request) => authorized(request) ?? serve(match[1], url) };
    }
    return { kind: 'unknown', handle: (request) => authorized(request) ?? notFound(DOCS) };
  }

  /** @param {import('./server.mjs').RecordedRequest} request @returns {Reply | undefined} */
  function authorized(request) {
    const header = request.headers.authorization;
    if (token === undefined || header === `token ${token}` || header === `Bearer ${token}`)
      return undefined;
    return error(401, 'Bad credentials', DOCS);
  }

  const server = await startServer({
    route,
    errorJson: (status) => ({
      message: STATUS_CODES[status] ?? `HTTP ${status}`,
      documentation_url: DOCS,
      status: String(status)
    })
  });
  baseUrl = server.url;
  return server;
}

/**
 * A deep copy of an example payload from @octokit/webhooks-examples (GitHub's own examples for
 * every event): the first example of `eventName` that `predicate` accepts.
 * @param {string} eventName  e.g. 'pull_request', 'push', 'merge_group'
 * @param {(example: any) => boolean} [predicate]  e.g. (p) => p.action === 'opened'
 * @returns {any}
 */
export function webhookExample(eventName, predicate = () => true) {
  const example = webhookExamples(eventName).find(predicate);
  if (!example) throw new Error(`no "${eventName}" example matches the predicate`);
  return example;
}

/**
 * Deep copies of every example of `eventName`, so a caller may edit its own.
 * @param {string} eventName
 * @returns {any[]}
 */
export function webhookExamples(eventName) {
  const definition = webhookDefinitions().find((d) => d.name === eventName);
  if (!definition) throw new Error(`@octokit/webhooks-examples has no "${eventName}" event`);
  return structuredClone(definition.examples);
}

/** @type {Array<{ name: string, examples: any[] }> | undefined} */
let definitions;
function webhookDefinitions() {
  definitions ??= JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve('@octokit/webhooks-examples'), 'utf8')
  );
  return /** @type {Array<{ name: string, examples: any[] }>} */ (definitions);
}

/**
 * The `pull_request` of the `opened` example, moved to `repository` and PR `number`, with URLs
 * on the stand-in's API base.
 * @param {string} apiUrl
 * @param {string} repository
 * @param {number} number
 * @returns {any}
 */
function pullTemplate(apiUrl, repository, number) {
  const example = webhookExample('pull_request', (p) => p.action === 'opened').pull_request;
  const [, repo] = repository.split('/');
  const text = JSON.stringify(example)
    .replaceAll('https://api.github.com', apiUrl)
    .replaceAll('Codertocat/Hello-World', repository)
    .replaceAll('"Hello-World"', JSON.stringify(repo))
    .replace(/\/(pulls|pull|issues)\/2(?=["/.])/g, `/$1/${number}`);
  return JSON.parse(text);
}

/** @param {string} documentationUrl */
const notFound = (documentationUrl) => error(404, 'Not Found', documentationUrl);

/**
 * @param {number} status
 * @param {string} message
 * @param {string} documentationUrl
 * @returns {Reply}
 */
function error(status, message, documentationUrl) {
  return { status, json: { message, documentation_url: documentationUrl, status: String(status) } };
}

/** A stable 40-hex-digit SHA for fake objects. @param {string} seed */
const gitSha = (seed) => createHash('sha1').update(seed).digest('hex');
/** A stable numeric id. @param {string} seed */
const idFor = (seed) => parseInt(gitSha(seed).slice(0, 8), 16);
