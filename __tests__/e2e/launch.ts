/**
 * Runs the committed bundle the way a GitHub runner does (a child `node dist/index.js` with a
 * clean runner-like environment) and collects what the runner would: exit code, log, outputs,
 * job summary, workflow commands. The runner logic itself is in stand-ins/runner.mjs, shared
 * with `npm run demo`.
 */
import { expect } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { webhookExample } from '../../stand-ins/github.mjs';
import {
  parseWorkflowCommands,
  prepareRun,
  runAction,
  type RunOptions,
  type WorkflowCommand
} from '../../stand-ins/runner.mjs';

export interface LaunchOptions extends RunOptions {
  /** Working directory of the action process (default: the workspace, as on a runner). */
  cwd?: string;
  /** Kill the action after this long (default 60 s); the result then has `timedOut` and `code: null`. */
  timeoutMs?: number;
  /** Another script instead of dist/index.js: only for testing this harness. */
  script?: string;
  /** Called with the action's process once it is started, e.g. to send it a signal. */
  onStart?: (child: ChildProcess) => void;
}

export interface LaunchResult {
  /** Exit code; null when the action was killed for running too long. */
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The workflow commands in stdout (::error, ::warning, ::group, ::add-mask, …). */
  commands: WorkflowCommand[];
}

export async function launch(opts: LaunchOptions): Promise<LaunchResult> {
  const run = await prepareRun(opts);
  try {
    const proc = await runAction(run.env, {
      cwd: opts.cwd,
      timeoutMs: opts.timeoutMs,
      script: opts.script,
      onStart: opts.onStart
    });
    return { ...proc, ...(await run.results()), commands: parseWorkflowCommands(proc.stdout) };
  } finally {
    await run.cleanup();
  }
}

type EventName = WebhookDefinition['name'];
type Example<E extends EventName> = WebhookDefinition<E>['examples'][number];

/**
 * A deep copy of GitHub's own example payload for `eventName` from @octokit/webhooks-examples:
 * the first example `predicate` accepts (e.g. `(p) => p.action === 'opened'`).
 */
export function payloadFor<E extends EventName>(
  eventName: E,
  predicate?: (example: Example<E>) => boolean
): Example<E> {
  return webhookExample(
    eventName,
    predicate as ((example: unknown) => boolean) | undefined
  ) as Example<E>;
}

/**
 * Asserts `secret` appears nowhere the runner would show or keep it: stdout, stderr, outputs,
 * job summary. The one exception is a stdout line starting with `::add-mask::`: the runner
 * consumes that workflow command (it never reaches the log) and it is how the action registers
 * the key for masking, so it must contain it.
 */
export function expectNoSecret(result: LaunchResult, secret: string): void {
  const places: Array<[where: string, text: string]> = [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
    ['summary', result.summary],
    ...Object.entries(result.outputs).map(([name, value]): [string, string] => [
      `output ${name}`,
      value
    ])
  ];
  const leaks = places.flatMap(([where, text]) =>
    text
      .split('\n')
      .filter(
        (line) => line.includes(secret) && !(where === 'stdout' && line.startsWith('::add-mask::'))
      )
      .map((line) => `${where}: ${line}`)
  );
  expect(leaks).toEqual([]);
}
