import type { ConformanceResult } from '../conformance/result.ts';
import { CREDENTIAL_HEADERS, REDACTED } from '../redact.ts';
import { keyPrefixOf, secretKeyPattern } from '../secret-patterns.ts';

// The last line of defence before a report leaves the process: whatever the transport missed,
// no whole-looking OpenAI key and no credential header value reaches a report file.

export { REDACTED };

// A whole key keeps its kind (`sk-proj-[REDACTED]`) so a reader still sees what leaked.
const scrub = (text: string, secrets: readonly string[]): string => {
  let out = text.replace(secretKeyPattern(), (key) => `${keyPrefixOf(key)}${REDACTED}`);
  for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
  return out;
};

/** `Bearer sk-admin-…` keeps its scheme so a reader still sees how the request authenticated. */
const redactCredential = (value: string): string => {
  const scheme = /^(\w+)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
};

const redactValue = (value: unknown, secrets: readonly string[], key?: string): unknown => {
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value === null || typeof value !== 'object') return value;
  const headers = key === 'headers';
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [
      name,
      headers && typeof item === 'string' && CREDENTIAL_HEADERS.includes(name.toLowerCase())
        ? redactCredential(item)
        : redactValue(item, secrets, name),
    ]),
  );
};

/**
 * A copy of `result` with whole-looking keys, credential header values and each of `secrets`
 * (e.g. the admin key from the environment) replaced by `[REDACTED]` in every string.
 */
export const redactResult = (result: ConformanceResult, secrets: readonly (string | undefined)[] = []) =>
  redactValue(
    result,
    // Short values would blank out ordinary words; real secrets are long.
    secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8),
  ) as ConformanceResult;
