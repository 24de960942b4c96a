// The one way text becomes a literal inside a regular expression.

/** `text` with every character a RegExp gives meaning to escaped, so it matches only itself. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
