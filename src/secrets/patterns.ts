// What an OpenAI secret key looks like, in one place: redaction (what must never be shown) and the
// security checks (what a body must not carry) use the same shapes, so they cannot disagree.

/** The characters of a key after `sk-`: the base64url alphabet the real service uses. */
const KEY_CHARACTER = 'A-Za-z0-9_-';

/** Kinds the real service names after `sk-`: admin keys, project keys, service-account keys. */
export const KEY_KINDS = ['admin', 'proj', 'svcacct'] as const;

/** The fewest key characters after `sk-` that make a whole-looking key (legacy keys have 48). */
export const MIN_KEY_BODY = 20;

/**
 * A whole-looking secret key as a regular-expression source: `sk-`, an optional kind, and at least
 * MIN_KEY_BODY key characters, not starting inside a longer word (`task-…` is not a key). Linear by
 * construction: a match can start only where the character before is not a key character, so the runs
 * of key characters two attempts scan never overlap, and no part of the pattern can match two ways.
 * Written `{20}[…]*`, not `{20,}`: V8 runs a `*` over one class as a tight loop, while `{20,}` keeps a
 * backtrack entry per character and throws "Maximum call stack size exceeded" on an 8 MB key.
 */
export const SECRET_KEY_SOURCE = `(?<![${KEY_CHARACTER}])sk-[${KEY_CHARACTER}]{${MIN_KEY_BODY}}[${KEY_CHARACTER}]*`;

/** A fresh global pattern for every whole-looking key in a text (a global RegExp carries state). */
export const secretKeyPattern = (): RegExp => new RegExp(SECRET_KEY_SOURCE, 'g');

const WHOLE_VALUE = new RegExp(`^sk-[${KEY_CHARACTER}]{${MIN_KEY_BODY}}[${KEY_CHARACTER}]*$`);

/** Whether `text` is, as a whole, a secret key. */
export const looksLikeSecretKey = (text: string): boolean => WHOLE_VALUE.test(text);

/** `sk-proj-` for a project key, `sk-` for a key of no known kind: the part of a key that is not secret. */
export const keyPrefixOf = (key: string): string => {
  if (!key.startsWith('sk-')) return '';
  const kind = KEY_KINDS.find((k) => key.startsWith(`sk-${k}-`));
  return kind ? `sk-${kind}-` : 'sk-';
};

/** Whether one UTF-16 code unit is a character a key can contain. */
export const isKeyCharacter = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || // 0-9
  (code >= 0x41 && code <= 0x5a) || // A-Z
  (code >= 0x61 && code <= 0x7a) || // a-z
  code === 0x5f || // _
  code === 0x2d; // -

/** The whole-looking keys in `text`, as where they start and how long they are. */
export const findSecretKeys = (text: string): { index: number; key: string }[] =>
  // Most strings hold no `sk-` at all: a sweep asks this of every string of thousands of bodies.
  text.includes('sk-')
    ? [...text.matchAll(secretKeyPattern())].map((match) => ({ index: match.index, key: match[0] }))
    : [];

/** What a redacted key hides its middle with: `*` (the real service), `.` and `…` (`sk-abc...def`), `•`. */
const MASK_CHARACTERS = new Set(['*', '.', '…', '•']);

/**
 * Whether a value is shaped like a key, whole or redacted, and so must be judged as one: it starts with
 * `sk-`, holds nothing but key and mask characters, or holds a run of key characters as long as a key's
 * body (a whole key inside prose, or one stripped of its prefix). Prose ("redacted for privacy") is none.
 */
export function looksLikeKey(text: string): boolean {
  if (text.startsWith('sk-')) return true;
  let run = 0;
  let keyAndMaskOnly = true;
  for (let i = 0; i < text.length; i++) {
    if (isKeyCharacter(text.charCodeAt(i))) {
      run += 1;
      if (run >= MIN_KEY_BODY) return true;
      continue;
    }
    run = 0;
    if (!MASK_CHARACTERS.has(text.charAt(i))) keyAndMaskOnly = false;
  }
  return keyAndMaskOnly;
}
