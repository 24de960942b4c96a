import { createHash, randomInt } from 'node:crypto';

// The run's probes: a key id that does not exist and an admin key that is not valid. A provider must not
// be able to tell them from real ones, so each is random, fresh per run (drawn from the run's seed), and
// shaped like what it imitates: the same prefix, length and alphabet.

/** Picks an index in [0, n): crypto-random by default, injectable for tests. */
export type RandomIndex = (n: number) => number;

/**
 * Indexes drawn from `seed`: the same seed and label give the same sequence, so `--seed` replays a run's
 * ids and keys. SHA-256 of a counter: a provider cannot predict the next without the seed.
 */
export function seededIndex(seed: number, label: string): RandomIndex {
  let counter = 0;
  return (n) => createHash('sha256').update(`${seed}:${label}:${counter++}`).digest().readUInt32BE(0) % n;
}

const CLASSES = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'];
const ALPHANUMERIC = CLASSES.join('');

/** The characters `sample` is drawn from, as a set: each letter/digit class it uses whole, others as seen. */
export function alphabetOf(sample: string): string {
  const classes = CLASSES.filter((chars) => [...sample].some((c) => chars.includes(c)));
  const others = [...new Set([...sample].filter((c) => !ALPHANUMERIC.includes(c)))];
  const alphabet = classes.join('') + others.join('');
  // Too few characters to be random in (a sample of one repeated letter): use letters and digits.
  return new Set(alphabet).size >= 10 ? alphabet : ALPHANUMERIC;
}

function randomString(alphabet: string, length: number, random: RandomIndex): string {
  return Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
}

/** A fresh random string shaped like `model` after `prefix`: its length and alphabet; never `model`. */
function shapedLike(prefix: string, model: string, random: RandomIndex): string {
  const body = model.startsWith(prefix) ? model.slice(prefix.length) : model;
  const alphabet = alphabetOf(body);
  const length = Math.max(body.length, 1);
  for (;;) {
    const candidate = prefix + randomString(alphabet, length, random);
    if (candidate !== model) return candidate;
  }
}

/** What real key ids look like when none is given: `key_` and 16 letters and digits. */
export const DEFAULT_KEY_ID_MODEL = 'key_Ab3dEf6hIj9lMn2p';

/**
 * A key id that does not exist but looks like the ones given: the prefix up to the first `_` (or
 * `key_`), then random characters of their alphabet at their length.
 */
export function unknownKeyIdLike(keyIds: readonly string[], random: RandomIndex = randomInt): string {
  const model = keyIds[0] ?? DEFAULT_KEY_ID_MODEL;
  const underscore = model.indexOf('_');
  const prefix = underscore > 0 && underscore < model.length - 1 ? model.slice(0, underscore + 1) : 'key_';
  let id: string;
  do id = shapedLike(prefix, model, random);
  while (keyIds.includes(id));
  return id;
}

export const ADMIN_KEY_PREFIX = 'sk-admin-';

/** An admin key that is not valid: `sk-admin-`, then random characters of the real key's alphabet and length. */
export function invalidAdminKeyLike(adminKey: string, random: RandomIndex = randomInt): string {
  return shapedLike(ADMIN_KEY_PREFIX, adminKey, random);
}

/** An admin key for the bundled reference provider, shaped like a real one. */
export function referenceAdminKey(random: RandomIndex = randomInt): string {
  return ADMIN_KEY_PREFIX + randomString(`${ALPHANUMERIC}-_`, 64, random);
}
