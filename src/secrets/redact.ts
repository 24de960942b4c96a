import { mayHoldEscapes, secretLiteralSource, secretPatternSource } from './forms.ts';
import { SECRET_KEY_SOURCE } from './patterns.ts';

// Secrets (the admin key above all) must never reach a report, a log line or an error message.
// Everything that leaves the process as text passes through here first.

export const REDACTED = '[REDACTED]';

/** Headers whose value is a credential whatever it holds: always shown as `[REDACTED]`. */
export const CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
];

/**
 * One pattern for all secrets, longest first so a secret containing another is replaced whole, each in
 * every form a server may echo it (JSON-escaped, percent-encoded, base64: see secrets/forms.ts); anything
 * shaped like a whole OpenAI key is a secret even when nobody named it. Linear: the secrets are literals,
 * the key shape is (see secrets/patterns.ts), and `Bearer\s+` backtracks only over its own whitespace.
 * With it, its twin for texts without a backslash or percent sign, where escaped forms cannot occur.
 */
const patternOf = (secrets: readonly string[]): Patterns => {
  const unique = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  // Every line printed and every header recorded is redacted: build each pattern once.
  const key = unique.join('\u0000');
  let pattern = patterns.get(key);
  if (!pattern) {
    const of = (source: (secret: string) => string) =>
      new RegExp(`(?:[Bb]earer\\s+)?(?:${[...unique.map(source), SECRET_KEY_SOURCE].join('|')})`, 'g');
    pattern = { all: of(secretPatternSource), literal: of(secretLiteralSource) };
    if (patterns.size > 64) patterns.clear();
    patterns.set(key, pattern);
  }
  return pattern;
};
/** The pattern for any text, and the one that matches the same in a text without escapes (secrets/forms.ts). */
interface Patterns {
  all: RegExp;
  literal: RegExp;
}
const patterns = new Map<string, Patterns>();

const redactWith = (text: string, pattern: Patterns): string =>
  text.replace(mayHoldEscapes(text) ? pattern.all : pattern.literal, REDACTED);

/** `text` with every occurrence of each non-empty secret (and `Bearer <secret>`) replaced by `[REDACTED]`. */
export const redactSecrets = (text: string, secrets: readonly string[]): string =>
  redactWith(text, patternOf(secrets));

export type HeaderInput =
  | Headers
  | Iterable<readonly [string, string]>
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

const entriesOf = (headers: HeaderInput): [string, string][] => {
  // Headers objects are iterable: `instanceof Headers` would load fetch's implementation for nothing.
  if (Symbol.iterator in headers) {
    return [...(headers as Iterable<readonly [string, string]>)].map(([name, value]) => [name, value]);
  }
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    entries.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
  }
  return entries;
};

/** Headers with lower-case names, credential headers `[REDACTED]` and secrets redacted in every other value. */
export const redactHeaders = (headers: HeaderInput, secrets: readonly string[]): Record<string, string> => {
  const pattern = patternOf(secrets);
  const redacted: Record<string, string> = {};
  for (const [rawName, value] of entriesOf(headers)) {
    const name = rawName.toLowerCase();
    const shown = CREDENTIAL_HEADERS.includes(name) ? REDACTED : redactWith(value, pattern);
    redacted[name] = name in redacted && shown !== REDACTED ? `${redacted[name]}, ${shown}` : shown;
  }
  return redacted;
};

/** Holds the run's secrets and redacts text and headers with them. */
export class Redactor {
  #secrets: string[] = [];
  #pattern: Patterns = patternOf([]);

  constructor(secrets: readonly string[] = []) {
    this.add(...secrets);
  }

  /** Adds secrets (empty strings are ignored). */
  add(...secrets: string[]): void {
    const fresh = secrets.filter((s) => s.length > 0 && !this.#secrets.includes(s));
    if (fresh.length === 0) return;
    this.#secrets.push(...fresh);
    this.#pattern = patternOf(this.#secrets);
  }

  get secrets(): readonly string[] {
    return this.#secrets;
  }

  text(text: string): string {
    return redactWith(text, this.#pattern);
  }

  headers(headers: HeaderInput): Record<string, string> {
    return redactHeaders(headers, this.#secrets);
  }
}
