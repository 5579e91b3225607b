/**
 * How the action weathers faults, end to end: the one HTTP policy for Datafold (up to 4
 * attempts with back-off and Retry-After; a submit whose answer is lost is sent again only
 * when the head commit has no run, see lost-answers.test.ts; never retry other 4xx; a clear
 * message for every answer that is not the JSON expected, never a stack trace), and GitHub
 * API faults.
 */
import { describe, expect, it } from '@jest/globals';
import { githubFaults } from '../../stand-ins/github.mjs';
import { TEST_GITHUB_TOKEN } from '../../stand-ins/runner.mjs';
import type { Fault, ScriptEntry } from '../../stand-ins/server.mjs';
import {
  arrivals,
  expectFailure,
  expectSuccess,
  FAILED_AT_DATAFOLD,
  outputs,
  runsOf,
  sent,
  SUBMIT,
  times,
  visibleLines,
  type Sent
} from './run-checks.js';
import { API_KEY, PR, scenario } from './scenario.js';

/** `n` submits answered with `fault`, then the stand-in answers normally. */
const submits = (n: number, fault: Fault): ScriptEntry[] => [{ match: 'submit', times: n, fault }];

/** `n` submits that may have reached Datafold, each checked with the runs of the head commit. */
const checked = (n: number): Sent[] => Array.from({ length: n }, () => [SUBMIT, runsOf()]).flat();

describe('Datafold faults that are retried', () => {
  /** Milliseconds between two attempts as the stand-in sees them: [at least, less than]. */
  type Gap = [min: number, max: number];
  const rows: Array<{
    name: string;
    fault: ScriptEntry[];
    env?: Record<string, string | undefined>;
    /** Requests between two attempts: the runs check after a submit that may have arrived. */
    checks?: boolean;
    gaps?: Gap[];
  }> = [
    { name: '503, then success', fault: submits(1, { status: 503 }) },
    {
      name: '429 with Retry-After: 1, honoured over the 10 ms back-off',
      fault: submits(1, { status: 429, headers: { 'retry-after': '1' } }),
      gaps: [[1000, 2000]]
    },
    {
      name: 'three 500s, each checked, then success (4 attempts)',
      fault: submits(3, { status: 500 }),
      checks: true
    },
    {
      // The deadline runs from before the request reaches the stand-in, so no lower bound;
      // a check well within the 2 s default shows the 500 ms one was applied.
      name: 'a hang, cut by a 500 ms request timeout',
      fault: submits(1, { hang: true }),
      env: { DATAFOLD_CI_ACTION_REQUEST_TIMEOUT_MS: '500' },
      checks: true,
      gaps: [[0, 1500]]
    },
    {
      name: 'two 503s on the real back-off: 1 s, then 2 s',
      fault: submits(2, { status: 503 }),
      env: { DATAFOLD_CI_ACTION_BACKOFF_BASE_MS: undefined },
      gaps: [
        [1000, 2000],
        [2000, 3000]
      ]
    }
  ];
  it.concurrent.each(rows)(
    '$name',
    async ({ fault, env, checks, gaps }) => {
      const clock = arrivals();
      const { result, datafold } = await scenario({
        env,
        faults: { datafold: [clock.entry, ...fault] }
      });
      const attempts = 1 + (fault[0].times ?? 1);

      expectSuccess(result);
      expect(result.outputs).toEqual(outputs());
      expect(sent(datafold)).toEqual(
        checks ? [...checked(attempts - 1), SUBMIT] : times(attempts, SUBMIT)
      );
      expect(datafold.state.accepted).toHaveLength(1);
      expect(visibleLines(result)).toContainEqual(
        expect.stringContaining(`attempt ${attempts} of 4 in `)
      );
      for (const [i, [min, max]] of (gaps ?? []).entries()) {
        expect(clock.gaps()[i]).toBeGreaterThanOrEqual(min);
        expect(clock.gaps()[i]).toBeLessThan(max);
      }
      // The real back-off sleeps 3 s; on a loaded machine the whole run takes longer than 5 s.
    },
    15_000
  );
});

describe('Datafold answers that fail the step', () => {
  const submitting = 'submitting the diffs for pull request #2';
  const rejectedKey = (host: string) => [
    `Datafold at ${host} refused ${submitting}`,
    `the API key was rejected`,
    `valid Datafold API key for ${host}`
  ];
  it.concurrent.each([
    {
      name: '503 four times: gives up after exactly 4 attempts',
      fault: submits(4, { status: 503 }),
      attempts: 4,
      message: (host: string) => [
        `Datafold at ${host} failed 4 times while ${submitting}`,
        'HTTP 503'
      ]
    },
    {
      name: 'an HTML 502 page four times, each checked: named, not dumped',
      fault: submits(4, { status: 502, html: true }),
      sent: checked(4),
      message: () => ['failed 4 times', 'HTTP 502 (an HTML page)']
    },
    {
      name: '401 for a wrong key (debug on): not retried, names the host',
      datafold: { apiKey: 'the-key-datafold-knows' },
      env: { RUNNER_DEBUG: '1' },
      attempts: 1,
      message: (host: string) => [...rejectedKey(host), '(HTTP 401)']
    },
    {
      name: '403: not retried, names the host',
      fault: submits(1, { status: 403 }),
      attempts: 1,
      message: (host: string) => [...rejectedKey(host), '(HTTP 403)']
    },
    {
      name: '404: no such CI config on that host',
      datafold: { configIds: [456] },
      attempts: 1,
      message: (host: string) => [`there is no CI config 123 on ${host}`, 'ci-config-id']
    },
    {
      name: "422: Datafold's detail list as readable lines",
      fault: submits(1, {
        status: 422,
        json: {
          detail: [
            { loc: ['body', 0, 'pk'], msg: 'field required', type: 'value_error.missing' },
            { loc: ['body', 1, 'prod'], msg: 'str type expected', type: 'type_error.str' }
          ]
        }
      }),
      attempts: 1,
      message: () => [
        '(HTTP 422): Datafold found the request invalid:\n',
        '\n  - body → 0 → pk: field required\n  - body → 1 → prod: str type expected'
      ]
    },
    {
      name: '400: not retried',
      fault: submits(1, { status: 400, json: { detail: 'Malformed request' } }),
      attempts: 1,
      message: () => [`refused ${submitting} (HTTP 400): {"detail":"Malformed request"}`]
    },
    {
      name: 'answers that echo the key (debug on): shown with the key as ***',
      fault: submits(4, { status: 503, body: `no capacity for key ${API_KEY}` }),
      env: { RUNNER_DEBUG: '1' },
      attempts: 4,
      message: () => ['failed 4 times', 'HTTP 503: no capacity for key ***']
    },
    {
      name: 'a redirect (a host that is not the API): not followed with the key',
      fault: submits(1, { status: 301, headers: { location: 'https://login.example.com/' } }),
      attempts: 1,
      message: (host: string) => [
        `Datafold at ${host} redirected ${submitting} (HTTP 301) to https://login.example.com/`,
        'set "host"'
      ]
    },
    {
      // The submit's answer cannot be read, so the runs are asked for: the same page again.
      name: 'an HTML page with 200 for everything (a proxy or login page)',
      fault: [{ match: 'any', times: Infinity, fault: { html: true } }],
      sent: checked(1),
      message: () => [
        `answered listing the CI runs of commit ${PR.head.sha} with HTTP 200 but not JSON (an HTML page)`,
        'Check that "host"'
      ]
    },
    {
      name: 'a 200 with JSON that is not the answer expected',
      fault: submits(1, { json: { unexpected: true } }),
      attempts: 1,
      message: () => [
        "Datafold's answer to the diffs for pull request #2 is not what the Datafold API returns",
        '{"unexpected":true}'
      ]
    }
  ])('$name', async ({ fault, datafold: options, env, attempts, sent: expected, message }) => {
    const { result, datafold } = await scenario({
      datafold: options,
      env,
      faults: { datafold: fault }
    });

    expectFailure(result, message(datafold.url));
    expect(result.stdout).not.toContain('<html>');
    expect(result.outputs).toEqual(FAILED_AT_DATAFOLD);
    expect(sent(datafold)).toEqual(expected ?? times(attempts ?? 1, SUBMIT));
    expect(datafold.state.accepted).toEqual([]);
  });
});

describe('a Datafold that cannot be reached', () => {
  it.concurrent('is named as such after 4 attempts, and the submit was never sent', async () => {
    const { result, datafold } = await scenario({ inputs: { host: 'http://127.0.0.1:9' } });

    expectFailure(result, [
      'Datafold at http://127.0.0.1:9 failed 4 times while submitting the diffs for pull request #2; the last attempt: no connection (ECONNREFUSED).'
    ]);
    expect(result.outputs).toEqual(FAILED_AT_DATAFOLD);
    expect(sent(datafold)).toEqual([]);
  });
});

describe('GitHub API faults', () => {
  const GET_PULL: Sent = { method: 'GET', path: '/repos/owner/repo/pulls/2', body: undefined };
  const GET_COMMIT: Sent = {
    method: 'GET',
    path: `/repos/owner/repo/commits/${PR.head.sha}`,
    body: undefined
  };
  /** `require-label` reads the labels live: GET /pulls/2. */
  const requireLabel = { 'require-label': 'datafold' };
  const labelled = {
    token: TEST_GITHUB_TOKEN,
    pulls: [{ ...PR, head: { ...PR.head }, base: { ...PR.base }, labels: ['datafold'] }]
  };

  it.concurrent('a 500 is retried', async () => {
    const { result, datafold, github } = await scenario({
      inputs: requireLabel,
      github: labelled,
      faults: { github: [{ match: 'pull', fault: { status: 500 } }] }
    });

    expectSuccess(result);
    expect(result.outputs).toEqual(outputs());
    expect(sent(github)).toEqual([GET_PULL, GET_PULL]);
    expect(sent(datafold)).toEqual([SUBMIT]);
  });

  it.concurrent('a rate limit is retried after x-ratelimit-reset', async () => {
    const limited = githubFaults.rateLimited(1);
    const resetMs = Number(limited.headers?.['x-ratelimit-reset']) * 1000;
    const clock = arrivals();
    const { result, datafold, github } = await scenario({
      inputs: requireLabel,
      github: labelled,
      faults: { github: [clock.entry, { match: 'pull', fault: limited }] }
    });

    expectSuccess(result);
    expect(result.outputs).toEqual(outputs());
    expect(sent(github)).toEqual([GET_PULL, GET_PULL]);
    expect(clock.at[1]).toBeGreaterThanOrEqual(resetMs);
    expect(visibleLines(result)).toContainEqual(expect.stringMatching(/rate limit/i));
    expect(sent(datafold)).toEqual([SUBMIT]);
  });

  it.concurrent.each([
    { name: '403 with retry-after', fault: githubFaults.secondaryRateLimited(1) },
    {
      name: '429 with retry-after',
      fault: { ...githubFaults.secondaryRateLimited(1), status: 429 }
    }
  ])('a secondary rate limit ($name) is waited out', async ({ fault }) => {
    const clock = arrivals();
    const { result, github } = await scenario({
      inputs: requireLabel,
      github: labelled,
      faults: { github: [clock.entry, { match: 'pull', fault }] }
    });

    expectSuccess(result);
    expect(sent(github)).toEqual([GET_PULL, GET_PULL]);
    expect(clock.gaps()[0]).toBeGreaterThanOrEqual(1000);
    expect(visibleLines(result)).toContainEqual(
      expect.stringContaining("GitHub: GitHub's secondary rate limit; attempt 2 of 4 in 1.0 s.")
    );
  });

  it.concurrent.each([
    {
      name: 'a secondary rate limit for 2 minutes',
      fault: { ...githubFaults.secondaryRateLimited(120), status: 429 },
      limit: "GitHub's secondary rate limit stopped reading pull request #2"
    },
    {
      name: 'the rate limit used up for an hour',
      fault: githubFaults.rateLimited(3600),
      limit: "GitHub's API rate limit for this token stopped reading pull request #2"
    }
  ])('$name fails at once, naming the limit, not permissions', async ({ fault, limit }) => {
    const { result, github, datafold } = await scenario({
      inputs: requireLabel,
      github: labelled,
      faults: { github: [{ match: 'pull', fault }] }
    });

    expectFailure(result, [limit, 'Re-run the job after that']);
    expect(result.stdout).not.toContain('permission');
    const until = /until (\S+)\. Re-run/.exec(result.stdout)?.[1] ?? '';
    expect(Date.parse(until) - Date.now()).toBeGreaterThan(60_000);
    expect(sent(github)).toEqual([GET_PULL]);
    expect(sent(datafold)).toEqual([]);
  });

  it.concurrent.each([
    {
      name: 'cannot be reached',
      env: { GITHUB_API_URL: 'http://127.0.0.1:9' },
      faults: [],
      requests: 0,
      problem: 'no connection (ECONNREFUSED)'
    },
    {
      name: 'drops every connection',
      faults: [{ match: 'any', times: Infinity, fault: { drop: true } }],
      requests: 4,
      problem: 'the connection broke before the whole answer (ECONNRESET)'
    }
  ])(
    'a GitHub that $name: 4 attempts, named as such, not as HTTP 500',
    async ({ env, faults, requests, problem }) => {
      const { result, github } = await scenario({
        inputs: requireLabel,
        github: labelled,
        env,
        faults: { github: faults }
      });

      expectFailure(result, [
        `GitHub request failed while reading pull request #2 of owner/repo: ${problem}.`
      ]);
      expect(result.stdout).not.toMatch(/\(500\)|HTTP 500/);
      expect(visibleLines(result)).toContainEqual(
        expect.stringContaining(`GitHub: ${problem}; attempt 4 of 4`)
      );
      expect(sent(github)).toEqual(times(requests, GET_PULL));
    }
  );

  it.concurrent('an endless answer fails at once, saying it was too large', async () => {
    const { result, github, datafold } = await scenario({
      inputs: requireLabel,
      github: labelled,
      faults: { github: [{ match: 'pull', fault: { endless: true } }] }
    });

    expectFailure(result, [
      'GitHub request failed while reading pull request #2 of owner/repo: the answer is larger than 32 MiB'
    ]);
    expect(sent(github)).toEqual([GET_PULL]);
    expect(sent(datafold)).toEqual([]);
  });

  it.concurrent.each([
    {
      name: 'a 403 on GET /pulls/{n} names pull-requests: read',
      inputs: requireLabel,
      faults: [{ match: 'pull', fault: githubFaults.notAccessible() }],
      request: GET_PULL,
      message: ['GitHub answered 403 while reading pull request #2', 'pull-requests: read']
    },
    {
      name: 'a 404 on GET /pulls/{n} names pull-requests: read',
      inputs: requireLabel,
      faults: [{ match: 'pull', fault: { status: 404 } }],
      request: GET_PULL,
      message: ['GitHub answered 404 while reading pull request #2', 'pull-requests: read']
    },
    {
      name: 'a 403 on the commit-message lookup names contents: read',
      // The skip marker needs the head commit's message; the workspace is no git checkout.
      inputs: { 'skip-marker': 'datafold-skip-ci' },
      faults: [{ match: 'commit', fault: githubFaults.notAccessible() }],
      request: GET_COMMIT,
      message: [
        `GitHub answered 403 while reading the message of commit ${PR.head.sha}`,
        'contents: read'
      ]
    }
  ])('$name; nothing is sent to Datafold', async ({ inputs, faults, request, message }) => {
    const { result, datafold, github } = await scenario({
      inputs,
      github: labelled,
      faults: { github: faults }
    });

    expectFailure(result, message);
    // The run stops at the rules, before the diffs are read; the payload named the head commit.
    expect(result.outputs).toEqual(
      outputs({ submitted: 'false', 'diff-count': '', diffs: '', 'ci-run-id': '', 'run-id': '' })
    );
    expect(sent(github)).toEqual([request]);
    expect(sent(datafold)).toEqual([]);
  });
});
