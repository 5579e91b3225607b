/**
 * The bundle against answers it has never seen: a Datafold whose every answer is generated from
 * Datafold's OpenAPI (stand-ins/datafold-generated.mjs, json-schema-faker with a seed) and found
 * valid by Prism before it is sent. Each seeded run, with its own inputs, must end with exit 0,
 * or exit 1 with an `::error` line that names what Datafold answered; never a crash or a stack
 * trace, never an answer the OpenAPI allows called "not what the Datafold API returns"; and
 * every request it sends keeps the contract. A failing seed replays: `SEED=<n> npm test`.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { startGeneratedDatafold } from '../../stand-ins/datafold-generated.mjs';
import { startGitHub } from '../../stand-ins/github.mjs';
import { TEST_GITHUB_TOKEN } from '../../stand-ins/runner.mjs';
import type { RecordedRequest } from '../../stand-ins/server.mjs';
import { datafoldContract, expectContract, openApiDocuments } from './contract.js';
import { launch, payloadFor, type LaunchResult } from './launch.js';
import { errors, expectNoStackTrace } from './run-checks.js';
import { API_KEY, DIFFS_FILE, FAST_ENV, PR } from './scenario.js';

/** Runs of the bundle, each with its seed; bounded so the suite stays quick and never flaky. */
const RUNS = 32;
const SEEDS = process.env.SEED
  ? [Number(process.env.SEED)]
  : Array.from({ length: RUNS }, (_, i) => i + 1);

/** The inputs a seed runs with: every mode that leads to a different conversation. */
function inputsFor(seed: number): Record<string, string> {
  const wait = seed % 2 === 0;
  return {
    'on-missing-run': ['warn', 'fail', 'trigger'][seed % 3],
    wait: String(wait),
    ...(wait ? { 'wait-timeout-minutes': '0.01' } : {}),
    ...(wait && seed % 4 === 0 ? { 'fail-on': 'different, bad-pks, error' } : {})
  };
}

/**
 * What the step's failure may quote of Datafold's answers: field names (`run_id`,
 * `rows_with_differences`), text of three characters or more, numbers of two digits or more, and
 * smaller ones as a run's id.
 */
function answerWords(requests: RecordedRequest[]): string[] {
  const words: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string' && value.length >= 3) words.push(value);
    // A small number only as a run's id: "run 7".
    else if (typeof value === 'number')
      words.push(Math.abs(value) >= 10 ? String(value) : `run ${value}`);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('_')) words.push(key);
        walk(item);
      }
  };
  for (const { reply } of requests) walk(reply?.json);
  return words;
}

/**
 * Whether a failure names what Datafold answered: a word of it; or, for what an answer lacked,
 * that it came back empty ("lists no CI run") or left an id null ("did not name the CI run").
 */
function namesAnAnswer(message: string, requests: RecordedRequest[]): boolean {
  const answers = requests.map(({ reply }) => reply?.json);
  const emptyList = answers.some((json) => Array.isArray(json) && json.length === 0);
  const nullId = answers.some(
    (json) => json !== null && typeof json === 'object' && Object.values(json).includes(null)
  );
  return (
    answerWords(requests).some((word) => message.includes(word)) ||
    (emptyList && /lists no CI run/.test(message)) ||
    (nullId && /did not name|without naming/.test(message))
  );
}

const outcomes = new Map<string, number>();

describe('the bundle against generated, spec-valid answers', () => {
  it.concurrent.each(SEEDS)(
    'seed %i: exit 0, or exit 1 naming what Datafold answered',
    async (seed) => {
      const contract = await datafoldContract();
      const [datafold, github] = await Promise.all([
        startGeneratedDatafold({
          documents: await openApiDocuments(),
          seed,
          // Only answers Prism finds valid are sent.
          accept: (request, reply) =>
            contract
              .check([{ ...request, reply }])
              .every(({ problems }) => !problems.some((p) => p.startsWith('answer')))
        }),
        startGitHub({
          token: TEST_GITHUB_TOKEN,
          pulls: [{ ...PR, head: { ...PR.head }, base: { ...PR.base } }]
        })
      ]);
      let result: LaunchResult;
      try {
        result = await launch({
          eventName: 'pull_request',
          payload: payloadFor('pull_request', (p) => p.action === 'opened'),
          githubUrl: github.url,
          inputs: {
            'api-key': API_KEY,
            host: datafold.url,
            'ci-config-id': '123',
            diffs: 'diffs.json',
            'skip-marker': '',
            ...inputsFor(seed)
          },
          files: { 'diffs.json': DIFFS_FILE },
          env: { ...FAST_ENV, DATAFOLD_CI_ACTION_RUN_APPEAR_WITHIN_MS: '300' },
          timeoutMs: 20_000
        });
      } finally {
        await Promise.all([datafold.close(), github.close()]);
      }

      const context = {
        seed,
        exchanges: datafold.requests.map(
          ({ method, path, reply }) =>
            `${method} ${path} → ${JSON.stringify(reply?.json)?.slice(0, 300)}`
        ),
        errors: errors(result)
      };
      expect({ ...context, code: result.code === 0 || result.code === 1 }).toEqual({
        ...context,
        code: true
      });
      expectNoStackTrace(result);
      await expectContract(datafold);
      const failures = errors(result);
      for (const message of failures) {
        expect(message).not.toMatch(/TypeError|undefined|NaN|\[object Object\]/);
        expect({ message, valid: 'every answer was valid' }).not.toEqual({
          message: expect.stringContaining('is not what the Datafold API returns'),
          valid: 'every answer was valid'
        });
      }
      if (result.code === 1) {
        // The step's failure is the last error line.
        const failure = failures.at(-1) ?? '';
        expect({ ...context, names: namesAnAnswer(failure, datafold.requests) }).toEqual({
          ...context,
          names: true
        });
      }
      const outcome =
        result.code === 0 ? 'exit 0' : (failures.at(-1) ?? '').replace(/\d+/g, 'N').slice(0, 60);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    },
    30_000
  );

  afterAll(() => {
    if (process.env.SHOW_OUTCOMES) process.stderr.write(JSON.stringify([...outcomes], null, 1));
    // Both ends occur among the seeds: the runs are not all alike.
    if (SEEDS.length === RUNS) expect(outcomes.get('exit 0')).toBeGreaterThan(0);
    if (SEEDS.length === RUNS) expect(outcomes.size).toBeGreaterThan(2);
  });
});
