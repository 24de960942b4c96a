// The one way text becomes a literal inside a regular expression.

/** `text` with every character a RegExp gives meaning to escaped, so it matches only itself. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
