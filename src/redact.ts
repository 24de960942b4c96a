import type { ConsoleIO } from './cli/usage.ts';
import { secretPatternSource } from './secret-forms.ts';

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

/** Anything shaped like a whole OpenAI key is treated as a secret even when nobody named it. */
export const WHOLE_KEY = 'sk-(?:admin|proj|svcacct)-[A-Za-z0-9_-]{32,}';

/**
 * One pattern for all secrets, longest first so a secret containing another is replaced whole; each in
 * every form a server may echo it (JSON-escaped, percent-encoded, base64: see secret-forms.ts).
 */
const patternOf = (secrets: readonly string[]): RegExp => {
  const unique = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  // Every line printed and every header recorded is redacted: build each pattern once.
  const key = unique.join('\u0000');
  let pattern = patterns.get(key);
  if (!pattern) {
    const alternatives = [...unique.map(secretPatternSource), WHOLE_KEY];
    pattern = new RegExp(`(?:[Bb]earer\\s+)?(?:${alternatives.join('|')})`, 'g');
    if (patterns.size > 64) patterns.clear();
    patterns.set(key, pattern);
  }
  return pattern;
};
const patterns = new Map<string, RegExp>();

/** `text` with every occurrence of each non-empty secret (and `Bearer <secret>`) replaced by `[REDACTED]`. */
export const redactSecrets = (text: string, secrets: readonly string[]): string =>
  text.replace(patternOf(secrets), REDACTED);

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
    const shown = CREDENTIAL_HEADERS.includes(name) ? REDACTED : value.replace(pattern, REDACTED);
    redacted[name] = name in redacted && shown !== REDACTED ? `${redacted[name]}, ${shown}` : shown;
  }
  return redacted;
};

/** A text sink that redacts before writing; `flush` writes what was held back at the end. */
export interface RedactingWriter {
  write(chunk: string | Uint8Array): void;
  flush(): void;
}

/** Holds the run's secrets and redacts text, headers and console output with them. */
export class Redactor {
  #secrets: string[] = [];
  #pattern: RegExp = patternOf([]);

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
    return text.replace(this.#pattern, REDACTED);
  }

  headers(headers: HeaderInput): Record<string, string> {
    return redactHeaders(headers, this.#secrets);
  }

  /**
   * Wraps a write function. A chunk may end part-way through a secret, so the longest tail that could
   * start one is held back until the next chunk (or `flush`); a chunk ending a line is written whole.
   */
  writer(write: (text: string) => void): RedactingWriter {
    const decoder = new TextDecoder();
    let held = '';
    return {
      write: (chunk) => {
        const text = held + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
        const redacted = this.text(text);
        held = this.#startOfSecretAtEnd(redacted);
        const ready = redacted.slice(0, redacted.length - held.length);
        if (ready) write(ready);
      },
      flush: () => {
        const rest = this.text(held + decoder.decode());
        held = '';
        if (rest) write(rest);
      },
    };
  }

  /** A ConsoleIO whose stdout and stderr are redacted; call `flush` when done. */
  io(io: ConsoleIO): ConsoleIO & { flush(): void } {
    const stdout = this.writer(io.stdout);
    const stderr = this.writer(io.stderr);
    return {
      stdout: (text) => stdout.write(text),
      stderr: (text) => stderr.write(text),
      flush: () => {
        stdout.flush();
        stderr.flush();
      },
    };
  }

  #startOfSecretAtEnd(text: string): string {
    const longest = Math.max(0, ...this.#secrets.map((s) => s.length - 1));
    for (let length = Math.min(longest, text.length); length > 0; length--) {
      const tail = text.slice(text.length - length);
      if (this.#secrets.some((secret) => secret.startsWith(tail))) return tail;
    }
    return '';
  }
}

/** A copy of `value` with every string in it (keys included) redacted: the last pass before a report. */
export const redactDeep = <T>(value: T, secrets: readonly string[]): T => {
  const pattern = patternOf(secrets);
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return node.replace(pattern, REDACTED);
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [key.replace(pattern, REDACTED), visit(child)]),
      );
    }
    return node;
  };
  return visit(value) as T;
};
