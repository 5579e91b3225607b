/** Items named in a message before the rest are counted. */
export const NAMED_ITEMS = 10;

/**
 * `items` joined for a message, the first `max` of them and a count of the rest ("a, b, and 4,998
 * more"), so that a list a user or a server supplies (5,000 labels, a 422 with 10,000 details)
 * cannot grow a log line, an annotation or the job summary without bound.
 */
export function cutList(
  items: readonly string[],
  { max = NAMED_ITEMS, separator = ', ' }: { max?: number; separator?: string } = {}
): string {
  if (items.length <= max) return items.join(separator);
  const more = (items.length - max).toLocaleString('en-US');
  return [...items.slice(0, max), `and ${more} more`].join(separator);
}
