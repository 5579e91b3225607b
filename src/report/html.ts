/** `text` safe inside HTML elements and quoted attributes of the job summary. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
