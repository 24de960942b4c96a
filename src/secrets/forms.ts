// The forms a secret takes when a server echoes it back: as sent, JSON-escaped (`\u0073k-…`, `\/`),
// percent-encoded (`%73k-…`), or base64 (standard or URL-safe, at any byte offset). One statement of
// them, for finding an echo (transport) and for redacting one (redact.ts).

import { escapeRegExp } from '../core/regexp.ts';

/** `[aA]` for a letter, the character itself otherwise: hex digits in either case. */
const anyCase = (hex: string): string =>
  [...hex].map((c) => (/[a-f]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');

/** One character of a secret as a regex: raw, `\uXXXX`, `%XX` (ASCII), and `\/` for a slash. */
const characterForms = (character: string): string => {
  const code = character.charCodeAt(0);
  const forms = [escapeRegExp(character), `\\\\u${anyCase(code.toString(16).padStart(4, '0'))}`];
  if (code < 0x80) forms.push(`%${anyCase(code.toString(16).padStart(2, '0'))}`);
  if (character === '/') forms.push('\\\\/');
  return `(?:${forms.join('|')})`;
};

/**
 * The base64 characters that depend only on the secret's own bytes, for each of the three byte offsets
 * it can start at inside a longer encoded value, in the standard and the URL-safe alphabet.
 */
export const base64Cores = (secret: string): readonly string[] => {
  let cores = coresOf.get(secret);
  if (cores === undefined) {
    cores = coresOfBytes(secret);
    // The run's few secrets, asked of every response: worked out once each.
    if (coresOf.size >= 64) coresOf.clear();
    coresOf.set(secret, cores);
  }
  return cores;
};
const coresOf = new Map<string, readonly string[]>();

const coresOfBytes = (secret: string): string[] => {
  const bytes = Buffer.from(secret, 'utf8');
  const cores = new Set<string>();
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    if (core.length < 8) continue;
    cores.add(core);
    cores.add(core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return [...cores];
};

/** A regex source matching `secret` in any of its echoed forms (characters may be escaped one by one). */
export const secretPatternSource = (secret: string): string =>
  [[...secret].map(characterForms).join(''), ...base64Cores(secret).map(escapeRegExp)].join('|');

/**
 * The same, for a text with no backslash and no percent sign: there, no character can be escaped, so
 * the forms left are the secret as sent and its base64 cores, in the same order. A few literals, where
 * the escaped forms make a pattern that costs V8 tens of milliseconds to compile and milliseconds a call.
 */
export const secretLiteralSource = (secret: string): string =>
  [secret, ...base64Cores(secret)].map(escapeRegExp).join('|');

/** Whether `text` can hold an escaped form (`\u0073`, `\/`, `%73`): if not, the literal source says all. */
export const mayHoldEscapes = (text: string): boolean => /[\\%]/.test(text);

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** JSON string escapes undone (`\uXXXX`, `\/`, `\"`, ...), whatever surrounds them. One linear pass. */
const unescapeJson = (text: string): string =>
  text.includes('\\')
    ? text.replace(/\\u([0-9a-fA-F]{4})|\\(["\\/bfnrt])/g, (_, hex: string | undefined, simple: string) =>
        hex ? String.fromCharCode(Number.parseInt(hex, 16)) : (SIMPLE_ESCAPES[simple] ?? simple),
      )
    : text;

/** Percent-encoded bytes decoded where they form UTF-8; anything else is left as it was. */
const percentDecode = (text: string): string =>
  text.includes('%')
    ? text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
        try {
          return decodeURIComponent(run);
        } catch {
          return run;
        }
      })
    : text;

/** Whether `text` holds `secret` as sent, JSON-escaped, percent-encoded or base64-encoded. */
export const containsSecret = (text: string, secret: string): boolean => {
  if (secret === '' || text === '') return false;
  if (text.includes(secret)) return true;
  const unescaped = unescapeJson(text);
  if (unescaped.includes(secret) || percentDecode(unescaped).includes(secret)) return true;
  return base64Cores(secret).some((core) => text.includes(core) || unescaped.includes(core));
};
