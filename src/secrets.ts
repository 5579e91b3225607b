import * as core from '@actions/core';

/**
 * Keeps a secret out of everything the action prints: the runner masks it in the job log
 * (`::add-mask::`, which must carry it once), and this process replaces it with `***`
 * itself, so that no message built from an answer that echoes it, debug included, shows
 * it where no runner masks.
 */
export function guardSecret(secret: string): void {
  if (secret === '') return;
  core.setSecret(secret);
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(
        typeof chunk === 'string' ? chunk.split(secret).join('***') : chunk,
        ...rest
      )) as typeof stream.write;
  }
}
