// Plain text for a person, whatever shows it: a report, the console, the drift table. Linear in the
// text: every one of these may see a hostile provider's bytes.

// C0 controls other than tab, newline and carriage return, and the two noncharacters XML 1.0 forbids.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from a hostile body made safe to show: controls become visible `\u001b`-style escapes (so a
 * reader sees that something was there) and unpaired surrogates become U+FFFD. XML 1.0 forbids both.
 */
export const visibleText = (text: string): string =>
  text
    .replace(FORBIDDEN_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(LONE_SURROGATE, '\uFFFD');

/**
 * One line of visible text, for attributes, table cells and console lines: each run of line breaks, with
 * the whitespace around it, becomes one space. Split and trimmed, not matched with `\s*[\r\n]+\s*`: that
 * pattern backtracks quadratically on a long run of spaces with no line break (224 s for 100 KB).
 */
export const oneLine = (text: string): string => {
  const visible = visibleText(text);
  const lines = visible.split(/[\r\n]+/);
  if (lines.length === 1) return visible;
  const last = lines.length - 1;
  const kept = lines
    .map((line, i) => (i === 0 ? line.trimEnd() : i === last ? line.trimStart() : line.trim()))
    .filter((line, i) => line !== '' || i === 0 || i === last);
  return kept.join(' ');
};

/** The root pointer is the empty string, which reads as nothing at all; name it. */
export const displayPointer = (pointer: string): string => (pointer === '' ? '(root)' : pointer);

/** Enough of a sha256 to tell two documents apart at a glance. */
export const shortSha = (sha256: string): string => sha256.slice(0, 12);

export const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** A duration for a person: `850 ms`, `2.4 s`. */
export const humanDuration = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;

/** Milliseconds between two ISO timestamps, or undefined when either does not parse. */
export const elapsedMs = (from: string, to: string): number | undefined => {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? ms : undefined;
};

export const plural = (count: number, word: string, words = `${word}s`): string =>
  `${count} ${count === 1 ? word : words}`;
