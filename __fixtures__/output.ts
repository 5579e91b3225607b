/**
 * What `work` writes to stdout, kept from the real stdout (where a runner of the suite would
 * obey workflow commands such as `::add-mask::`), and stdout restored whatever happens.
 */
export function captureStdout(work: () => void): string {
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) =>
    written.push(Buffer.from(chunk).toString()) > 0) as typeof process.stdout.write;
  try {
    work();
  } finally {
    process.stdout.write = write;
  }
  return written.join('');
}
