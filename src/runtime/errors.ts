/** Where in a file a problem is, for an error annotation on the pull request. */
export interface Annotation {
  message: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

/** GitHub shows only the first few annotations of a step; the rest are counted. */
const MAX_ANNOTATIONS = 50;

/**
 * The first MAX_ANNOTATIONS annotations, then one that counts the rest of them, e.g.
 * "diffs.json: 3 more problems after these 50 (53 in all), …".
 */
export function capped(
  annotations: Annotation[],
  subject: string,
  kind: 'problem' | 'warning'
): Annotation[] {
  const shown = annotations.slice(0, MAX_ANNOTATIONS);
  const rest = annotations.length - shown.length;
  if (rest > 0) {
    shown.push({
      message: `${subject}: ${rest} more ${rest === 1 ? kind : `${kind}s`} after these ${MAX_ANNOTATIONS} (${annotations.length} in all), not shown one by one; fix these and run again to see the rest`
    });
  }
  return shown;
}

/**
 * A failure the user can fix. Its message is shown as is (no stack trace); `annotations`
 * are reported one by one before it, e.g. every mistake in a diffs file.
 */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly annotations: Annotation[] = []
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
