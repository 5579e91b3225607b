/** Where in a file a problem is, for an error annotation on the pull request. */
export interface Annotation {
  message: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
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
