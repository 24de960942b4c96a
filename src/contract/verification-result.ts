import type { Finding } from '../core/finding.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../core/json.ts';
import { appendPointer, fromPactPath } from '../core/pointer.ts';
import type { PactInteraction } from './pact.ts';

// Pact's JSON verification result, read into one outcome per interaction with findings as data.

/** `note`: passed, with notes about the pact (a request header it asks for was not sent). */
export type OutcomeStatus = 'pass' | 'note' | 'fail' | 'skip';

export interface InteractionOutcome {
  description: string;
  /** The provider state, as the pact names it. */
  state: string | undefined;
  status: OutcomeStatus;
  /** Body mismatches point into the body; status and header mismatches have pointer '' and say which. */
  findings: Finding[];
  /** Why the interaction was skipped (its state could not be set up): never a pass. */
  reason?: string;
}

/** An interaction as the pact file names it. */
export type { PactInteraction } from './pact.ts';

export interface PactMismatch {
  type: string;
  path?: string;
  key?: string;
  expected?: unknown;
  actual?: unknown;
  mismatch?: string;
  message?: string;
}

export interface PactResult {
  errors?: {
    interaction: string;
    mismatch?: { type: string; message?: string; mismatches?: PactMismatch[] };
  }[];
  interactionResults?: { description: string; result: string }[];
  output?: string[];
}

const parseList = (value: unknown): string[] | undefined => {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
};

/** A value the verifier reports, as text: its parser reads no deeper than MAX_JSON_DEPTH, nor does this. */
const quoted = (value: unknown) =>
  typeof value === 'string'
    ? value
    : nestedDeeperThan(value)
      ? `(a value nested more than ${MAX_JSON_DEPTH} levels deep)`
      : JSON.stringify(value);

/** Pact's words for a body that did not come: `Expected body Present(366 bytes, application/json) but was empty`. */
const EMPTY_BODY = /^Expected body Present\((.*)\) but was empty$/;

/** One Pact mismatch as findings: a missing key becomes one `required` finding per key, at its pointer. */
export const findingsOfMismatch = (mismatch: PactMismatch): Finding[] => {
  const message = mismatch.mismatch ?? mismatch.message ?? mismatch.type;
  switch (mismatch.type) {
    case 'BodyMismatch': {
      const pointer = fromPactPath(mismatch.path ?? '$');
      const empty = EMPTY_BODY.exec(message);
      if (empty) {
        const expected = `the pact expects one (${empty[1]})`;
        return [{ pointer, keyword: 'body', severity: 'error', message: `the body is empty; ${expected}` }];
      }
      if (/missing the following keys/.test(message)) {
        const expected = parseList(mismatch.expected) ?? [];
        const actual = new Set(parseList(mismatch.actual) ?? []);
        const missing = expected.filter((key) => !actual.has(key));
        if (missing.length > 0) {
          return missing.map((key) => ({
            pointer: appendPointer(pointer, key),
            keyword: 'required',
            severity: 'error',
            message: `required property "${key}" is missing`,
          }));
        }
      }
      return [{ pointer, keyword: 'body', severity: 'error', message }];
    }
    case 'StatusMismatch':
      return [
        {
          pointer: '',
          keyword: 'status',
          severity: 'error',
          message: `status: expected ${quoted(mismatch.expected)}, got ${quoted(mismatch.actual)}`,
        },
      ];
    case 'HeaderMismatch':
      return [
        {
          pointer: '',
          keyword: 'header',
          severity: 'error',
          message: `header ${mismatch.key ?? '?'}: ${message}`,
        },
      ];
    case 'BodyTypeMismatch':
      return [{ pointer: '', keyword: 'contentType', severity: 'error', message }];
    default:
      return [{ pointer: '', keyword: mismatch.type, severity: 'error', message }];
  }
};

/** A wrong status says most about a failed interaction: it leads, before what the body got wrong. */
const statusFirst = (findings: Finding[]): Finding[] => [
  ...findings.filter((f) => f.keyword === 'status'),
  ...findings.filter((f) => f.keyword !== 'status'),
];

/** The errors Pact reports for an interaction: its entry names it as `… Given <state> - <description>`. */
const errorsFor = (result: PactResult, interaction: Pick<PactInteraction, 'description'>): Finding[] =>
  statusFirst(
    (result.errors ?? [])
      .filter((error) => error.interaction.endsWith(` - ${interaction.description}`))
      .flatMap((error) => {
        const mismatch = error.mismatch;
        if (!mismatch) return [];
        if (mismatch.type === 'mismatches') return (mismatch.mismatches ?? []).flatMap(findingsOfMismatch);
        return [
          { pointer: '', keyword: 'request', severity: 'error', message: mismatch.message ?? mismatch.type },
        ];
      }),
  );

/**
 * Why an interaction never reached Pact's comparison: its state was not set up, its request was not the
 * one its state needs, or the request failed.
 */
export type Interruption =
  | { kind: 'skip'; reason: string }
  | { kind: 'fail'; keyword: 'state' | 'request' | 'transport'; reason: string };

/** The key in the interruptions of interactions that name no provider state. */
export const NO_STATE = '';

/**
 * Per-interaction outcomes from Pact's JSON result. `interruptions` (by state) says which interactions
 * were skipped or failed before Pact could compare anything: for those Pact's own verdict is ignored.
 */
export const outcomesOf = (
  interactions: readonly Pick<PactInteraction, 'description' | 'state'>[],
  result: PactResult,
  interruptions: ReadonlyMap<string, Interruption> = new Map(),
): InteractionOutcome[] =>
  interactions.map((interaction) => {
    const base = { description: interaction.description, state: interaction.state };
    const interrupted = interruptions.get(interaction.state ?? NO_STATE);
    if (interrupted?.kind === 'skip')
      return { ...base, status: 'skip', findings: [], reason: interrupted.reason };
    if (interrupted?.kind === 'fail') {
      return {
        ...base,
        status: 'fail',
        findings: [
          { pointer: '', keyword: interrupted.keyword, severity: 'error', message: interrupted.reason },
        ],
      };
    }
    const verdict = result.interactionResults?.find((r) => r.description === interaction.description);
    const findings = errorsFor(result, interaction);
    if (verdict === undefined && findings.length === 0) {
      return {
        ...base,
        status: 'fail',
        findings: [
          {
            pointer: '',
            keyword: 'pact',
            severity: 'error',
            message: 'Pact did not verify this interaction',
          },
        ],
      };
    }
    const passed = findings.length === 0 && verdict?.result === 'OK';
    return { ...base, status: passed ? 'pass' : 'fail', findings };
  });

/**
 * Notes about the pact, by interaction, added to the outcomes: a pass with one is a `note`. A skipped
 * interaction keeps none: nothing of it was sent, so nothing was left out.
 */
export function withPactNotes(
  outcomes: readonly InteractionOutcome[],
  notes: readonly (readonly Finding[])[],
): InteractionOutcome[] {
  return outcomes.map((outcome, index) => {
    const added = notes[index] ?? [];
    if (outcome.status === 'skip' || added.length === 0) return outcome;
    return {
      ...outcome,
      status: outcome.status === 'pass' ? 'note' : outcome.status,
      findings: [...outcome.findings, ...added],
    };
  });
}
