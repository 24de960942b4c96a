import { visibleText } from '../core/text.ts';
import { truncateText } from '../core/truncate.ts';
import { keyPrefixOf, secretKeyPattern } from '../secrets/patterns.ts';
import { CREDENTIAL_HEADERS, REDACTED, redactSecrets } from '../secrets/redact.ts';
import { capFindings, isOmittedNote, REPORT_LIMITS, type ReportLimits, withTotals } from './bound.ts';
import type { ConformanceResult } from './conformance-result.ts';

// The last line of defence before a report leaves the process: whatever the transport missed,
// no whole-looking OpenAI key and no credential header value reaches a report file, and no string of the
// result reaches a renderer with a character that would act rather than show (core/text.ts's visibleText).

export { REDACTED };

// A whole key keeps its kind (`sk-proj-[REDACTED]`) so a reader still sees what leaked; each given
// secret goes in every form a server may echo it (JSON-escaped, percent-encoded, base64).
const scrub = (text: string, secrets: readonly string[]): string =>
  redactSecrets(
    text.replace(secretKeyPattern(), (key) => `${keyPrefixOf(key)}${REDACTED}`),
    secrets,
  );

/** `Bearer sk-admin-…` keeps its scheme so a reader still sees how the request authenticated. */
const redactCredential = (value: string): string => {
  const scheme = /^(\w+)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
};

/** How far past a cut a string is read before redaction, so a secret across the cut is redacted whole. */
const LOOKAHEAD = 512;

/**
 * `text` redacted, made visible (core/text.ts: no character in it acts on a terminal, a CI log or a parser),
 * then cut to `maxChars` (saying how long it was). Only the head and a lookahead longer than any secret
 * are read: a secret that starts before the cut ends inside what is read, and one that starts after it is
 * cut away, so no part of either is left, and a 5 MB string costs what 2 KB does. Made visible before the
 * cut, so a `\u001b` written for a control counts against the limit.
 */
const scrubAndCut = (text: string, secrets: readonly string[] | null, maxChars: number): string => {
  const lookahead =
    secrets === null ? LOOKAHEAD : Math.max(LOOKAHEAD, ...secrets.map((secret) => secret.length + 16));
  const shown = (part: string) => visibleText(secrets === null ? part : scrub(part, secrets));
  if (text.length <= maxChars + lookahead) return truncateText(shown(text), maxChars);
  return truncateText(shown(text.slice(0, maxChars + lookahead)), maxChars, {
    count: text.length,
    unit: 'characters',
  });
};

/**
 * Levels of the result a report shows: its model is six deep, so only a value that does not belong in
 * it goes deeper, and it is shown as a note rather than walked until the stack runs out.
 */
const MAX_RESULT_DEPTH = 32;

/**
 * Every string of `value` (keys too) redacted of `secrets` (null: not redacted), made visible and cut to
 * `maxChars`.
 */
const redactValue = (
  value: unknown,
  secrets: readonly string[] | null,
  maxChars: number,
  key?: string,
  depth = 0,
): unknown => {
  if (typeof value === 'string') return scrubAndCut(value, secrets, maxChars);
  if (value === null || typeof value !== 'object' || isOmittedNote(value)) return value;
  if (depth >= MAX_RESULT_DEPTH) return `(nested more than ${MAX_RESULT_DEPTH} levels deep: not shown)`;
  if (Array.isArray(value))
    return value.map((item) => redactValue(item, secrets, maxChars, undefined, depth + 1));
  const headers = key === 'headers';
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [
      scrubAndCut(name, secrets, maxChars),
      secrets !== null &&
      headers &&
      typeof item === 'string' &&
      CREDENTIAL_HEADERS.includes(name.toLowerCase())
        ? redactCredential(item)
        : redactValue(item, secrets, maxChars, name, depth + 1),
    ]),
  );
};

/** Short values would blank out ordinary words; real secrets are long. */
const realSecrets = (secrets: readonly (string | undefined)[]): string[] =>
  secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8);

/**
 * What a report shows of `result`: findings capped; whole-looking keys, credential header values and
 * each of `secrets` (e.g. the admin key from the environment) replaced by `[REDACTED]` in every string;
 * then every string made visible (core/text.ts) and cut to `limits.maxChars`, saying how long it was. Redacted
 * before cut, so no cut leaves part of a secret behind. Bounding an already bounded result changes nothing.
 */
export const redactResult = (
  result: ConformanceResult,
  secrets: readonly (string | undefined)[] = [],
  limits: Readonly<ReportLimits> = REPORT_LIMITS,
): ConformanceResult =>
  withTotals(
    result,
    redactValue(
      capFindings(result, limits.maxFindingsPerCheck),
      realSecrets(secrets),
      limits.maxChars,
    ) as ConformanceResult,
  );

/**
 * `result` bounded as a report shows it (findings capped, every string made visible and cut, saying so) but
 * not redacted: what a renderer does to whatever it is given, so no input makes a huge report and no
 * string acts on what reads it. Redaction is the
 * writer's alone (redactResult, from write.ts), before this.
 */
export const boundResult = (
  result: ConformanceResult,
  limits: Readonly<ReportLimits> = REPORT_LIMITS,
): ConformanceResult =>
  withTotals(
    result,
    redactValue(capFindings(result, limits.maxFindingsPerCheck), null, limits.maxChars) as ConformanceResult,
  );
