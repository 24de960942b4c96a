// Plain text for a person, whatever shows it: a report, the console, the drift table. Linear in the
// text: every one of these may see a hostile provider's bytes.

// Every string from outside (a provider's bodies and headers, a pact's names, descriptions and states, a
// broker's names, versions, notices and reasons, a document's titles and paths) is shown as text: none may
// act on the terminal, the CI log or the parser that reads a report. visibleText is the one place that
// decides how; the report pass (report/redact.ts) and the console writer (report/console-writer.ts) apply it.

/**
 * Characters that act rather than show: C0 controls other than tab and line feed (ESC starts terminal
 * sequences, BEL rings, CR rewrites the line), DEL, the C1 controls (U+009B is an escape of its own in
 * some terminals, U+0085 a line break in others), the line and paragraph separators, the bidirectional
 * embeddings, overrides and isolates that reorder what a reader sees, and the two noncharacters XML 1.0
 * forbids.
 */
const ACTING =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/**
 * What GitHub Actions reads as a workflow command in a log line: `::` first on the line after any
 * whitespace (`::error::`, `::add-mask::`, `::stop-commands::`), and the older `##[` anywhere on it.
 * Linear: `^` fails at once except where a line starts, and the run of whitespace it then reads is the
 * line's own.
 */
const WORKFLOW_COMMAND = /^([^\S\n]*):(?=:)|##(?=\[)/gm;

/** `\u001b`: the character's code as text, as JSON and JavaScript would escape it. */
const codeOf = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Text from outside made safe to show anywhere: each acting character becomes its code as text (ESC is
 * `\u001b`), so a reader sees that something was there and what; a CR before a line feed is dropped (the
 * line break stays); an unpaired surrogate becomes U+FFFD; a workflow command's marker has one character
 * written as its code (`\u003a:error::…`, `#\u0023[error]…`), so no line a run prints or writes is one.
 * Tab and line feed stay. Idempotent: what it returns it returns unchanged.
 */
export const visibleText = (text: string): string =>
  text
    .replace(/\r\n/g, '\n')
    .replace(ACTING, codeOf)
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(WORKFLOW_COMMAND, (_marker, indent: string | undefined) =>
      indent === undefined ? '#\\u0023' : `${indent}\\u003a`,
    );

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
