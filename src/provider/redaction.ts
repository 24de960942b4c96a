import { createHash, randomBytes } from 'node:crypto';

// Project keys as the real service shows them: `sk-proj-` + a long secret, listed only in redacted form.

const PROJECT_KEY_PREFIX = 'sk-proj-';
/** A real project key's length: `sk-proj-` and 156 characters. */
export const PROJECT_KEY_LENGTH = 164;
const KEPT_HEAD = 8;
const KEPT_TAIL = 4;

/**
 * A stand-in for the secret behind `keyId`: derived from the id, so it is stable, and never a real key.
 * Built at run time only; the provider serves nothing but its redacted form.
 */
export function fakeProjectKeyFor(keyId: string): string {
  let material = '';
  for (let round = 0; material.length < PROJECT_KEY_LENGTH; round += 1) {
    material += createHash('sha256').update(`${keyId}:${round}`).digest('base64url');
  }
  return (PROJECT_KEY_PREFIX + material).slice(0, PROJECT_KEY_LENGTH);
}

/** A whole-looking project key, random at run time: what the `unredacted-key` fault leaks. */
export function randomProjectKey(): string {
  return (PROJECT_KEY_PREFIX + randomBytes(PROJECT_KEY_LENGTH).toString('base64url')).slice(
    0,
    PROJECT_KEY_LENGTH,
  );
}

/** The service's redaction: the first 8 and last 4 characters kept, every one between masked with `*`. */
export function redactedValueOf(secret: string): string {
  return secret.length <= KEPT_HEAD + KEPT_TAIL
    ? '*'.repeat(secret.length)
    : secret.slice(0, KEPT_HEAD) +
        '*'.repeat(secret.length - KEPT_HEAD - KEPT_TAIL) +
        secret.slice(-KEPT_TAIL);
}
