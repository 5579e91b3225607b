/**
 * The 1-based line of offsets into `text`, asked for in increasing order (as a reader finds
 * them): each call counts only the line breaks since the previous one. Breaks are `\n`,
 * `\r\n` and a lone `\r`, as editors count them.
 */
export function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    if (offset < at) [at, line] = [0, 1];
    for (; at < offset; at++) {
      const code = text.charCodeAt(at);
      if (code === 10 || (code === 13 && text.charCodeAt(at + 1) !== 10)) line++;
    }
    return line;
  };
}
