/**
 * A documented wait (request timeout, back-off, polling), which the end-to-end tests shorten
 * through `DATAFOLD_CI_ACTION_<NAME>` so fault cases do not sleep for real.
 */
export function tunedMs(name: string, fallback: number): number {
  const value = Number(process.env[`DATAFOLD_CI_ACTION_${name}`] || NaN);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Milliseconds since the process started; unlike `performance.now()`, loads nothing. */
export function sinceStartMs(): number {
  return process.uptime() * 1000;
}
