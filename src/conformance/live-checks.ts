import type { CheckCategory, CheckResult } from '../core/check.ts';
import { statusOf } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import { isJsonMediaType } from '../core/media-type.ts';
import { asOpenAIError } from '../core/openai-error.ts';
import { parseProviderJson } from '../core/response-json.ts';
import { truncationMark } from '../core/truncate.ts';
import type { SchemaValidators } from '../openapi/validators.ts';
import { STATE_LABELS } from '../pact/provider-states.ts';
import { isKeyCharacter } from '../secrets/patterns.ts';
import {
  type AskedOwner,
  checkIdentity,
  checkOwnerAgreement,
  checkOwnerAsked,
  checkRedaction,
} from './semantic.ts';

// Checks of one live exchange with the target. Pure: what came back in, named checks out.

/** What the recorded exchanges of a request say beyond the answer itself. */
interface Recorded {
  attempts: number;
  exchangeIds: string[];
  /** Where a credential the request carried came back (any hop, any attempt): `header location`, `body`. */
  echoes: string[];
}

/** What the target answered, or why it did not. */
export type LiveOutcome =
  | (Recorded & {
      kind: 'response';
      /** The URL the request went to, for judging where a redirect points. */
      url: string;
      status: number;
      headers: Record<string, string>;
      text: string;
    })
  | (Recorded & { kind: 'failure'; message: string });

export interface LiveContext {
  validators: SchemaValidators;
  ownerKinds: readonly string[];
  strict: boolean;
}

/** What each category checks of a live answer: check names read as sentences about the state. */
const CHECK_NAMES: Record<CheckCategory, (label: string) => string> = {
  transport: (label) => `${label}: status and content-type`,
  schema: (label) => `${label}: body is a ProjectApiKey`,
  semantic: (label) => `${label}: owner and id agree with the request`,
  security: (label) => `${label}: nothing secret is exposed`,
  contract: (label) => label,
  pact: (label) => label,
  probe: (label) => label,
  list: (label) => label,
};

/** The owner each key state asks for, and the flag that gives its id. */
const ASKED_OWNERS: Record<'userKey' | 'serviceAccountKey', AskedOwner> = {
  userKey: { type: 'user', flag: '--user-key-id', label: STATE_LABELS.userKey },
  serviceAccountKey: {
    type: 'service_account',
    flag: '--service-account-key-id',
    label: STATE_LABELS.serviceAccountKey,
  },
};

const UNKNOWN_KEY_CHECK = "unknown key: answered 404 with OpenAI's error body";
const UNKNOWN_KEY_SECURITY = 'unknown key: nothing secret is exposed';
const INVALID_KEY_CHECK = 'invalid admin key: refused with 401 or 403';

export { STATE_LABELS } from '../pact/provider-states.ts';

/** Characters of a body a finding quotes; the reports bound every string again after redaction. */
const EXCERPT_CHARS = 200;

/**
 * The start of a body for a finding, on one line. Never cut inside a run of key characters: a cut
 * secret would no longer be recognised by the redactor, and its first half would reach the reports.
 */
const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'an empty body';
  if (flat.length <= EXCERPT_CHARS) return JSON.stringify(flat);
  let end = EXCERPT_CHARS;
  while (end > 0 && isKeyCharacter(flat.charCodeAt(end - 1)) && isKeyCharacter(flat.charCodeAt(end))) end--;
  return `${JSON.stringify(flat.slice(0, end))}${truncationMark({ count: flat.length, unit: 'characters' })}`;
};

const error = (pointer: string, keyword: string, message: string): Finding => ({
  pointer,
  keyword,
  message,
  severity: 'error',
});

type Draft = Omit<CheckResult, 'durationMs'>;

const check = (
  category: CheckCategory,
  label: string,
  findings: Finding[],
  outcome: LiveOutcome,
  name = CHECK_NAMES[category](label),
): Draft => ({
  name,
  category,
  status: statusOf(findings),
  findings,
  attempts: outcome.attempts,
  exchangeIds: outcome.exchangeIds,
});

const skipped = (category: CheckCategory, label: string, reason: string, outcome: LiveOutcome): Draft => ({
  ...check(category, label, [], outcome),
  status: 'skip',
  skipReason: reason,
});

/** Status and content type, and the body parsed as JSON when there is one. */
export const transportOf = (outcome: LiveOutcome, expected: (status: number) => string | undefined) => {
  if (outcome.kind === 'failure')
    return { findings: [error('', 'transport', outcome.message)], json: undefined };
  const findings: Finding[] = [];
  const wrongStatus = expected(outcome.status);
  if (wrongStatus) findings.push(error('', 'status', wrongStatus));
  const contentType = outcome.headers['content-type'];
  if (!isJsonMediaType(contentType)) {
    findings.push(
      error(
        '',
        'contentType',
        `content-type is ${contentType ? JSON.stringify(contentType) : 'missing'}, not application/json`,
      ),
    );
  }
  // A key twice in one object means different things to different clients: not a body to judge.
  const parsed = parseProviderJson(outcome.text);
  if (parsed.ok) return { findings, json: parsed.value };
  if (parsed.findings.some((f) => f.keyword !== 'json')) {
    return { findings: [...findings, ...parsed.findings], json: undefined };
  }
  findings.push(
    error('', 'json', `body is not JSON: ${excerpt(outcome.text)} (${outcome.text.length} characters)`),
  );
  return { findings, json: undefined };
};

/** A credential the request carried came back, anywhere in any response of its exchanges, in any form. */
export const echoedSecrets = (outcome: LiveOutcome): Finding[] =>
  outcome.echoes.length === 0
    ? []
    : [
        error(
          '',
          'secretEchoed',
          `the response echoes the key the request was sent with (${outcome.echoes.join(', ')}); reports show it redacted`,
        ),
      ];

/** A redirect to another origin: the policy does not follow it, so the admin key stays where it was sent. */
const crossOriginRedirect = (outcome: LiveOutcome): Finding[] => {
  if (outcome.kind !== 'response' || outcome.status < 300 || outcome.status >= 400) return [];
  const location = outcome.headers.location;
  if (!location || !URL.canParse(location, outcome.url)) return [];
  const to = new URL(location, outcome.url);
  if (to.origin === new URL(outcome.url).origin) return [];
  return [
    error(
      '',
      'crossOriginRedirect',
      `status ${outcome.status} redirects an authenticated request to another origin (${to.origin}); not followed, so the admin key was not sent there`,
    ),
  ];
};

const NO_RESPONSE = 'no response to check';

/**
 * A check passes only if it looked at something: with no response, a check that found nothing is
 * skipped, never passed. Every state's checks go through here, so a check added later cannot pass on nothing.
 */
export function unseenAsSkipped(drafts: readonly Draft[], outcome: LiveOutcome): Draft[] {
  if (outcome.kind === 'response') return [...drafts];
  return drafts.map((draft) =>
    draft.status === 'pass' ? { ...draft, status: 'skip', skipReason: NO_RESPONSE } : draft,
  );
}

/** A 2xx body that could not be read as JSON, in words: what came back instead of a key body. */
function unreadableBody(text: string, contentType: string | undefined, findings: readonly Finding[]): string {
  const type = contentType === undefined ? '' : ` (${JSON.stringify(contentType)})`;
  if (!/\S/.test(text)) return 'an empty body';
  if (findings.some((f) => f.keyword === 'duplicateKey'))
    return 'a body that holds a key twice in one object';
  if (/^\s*text\/html/i.test(contentType ?? '') || /^\s*</.test(text)) return `an HTML page${type}`;
  return `a body that is not JSON${type}`;
}

/** Why there is no key body to check, naming what came back instead of one; undefined when there is one. */
const whyNoKey = (outcome: LiveOutcome, transport: ReturnType<typeof transportOf>): string | undefined => {
  if (outcome.kind === 'failure') return NO_RESPONSE;
  const { status } = outcome;
  if (status >= 300 && status < 400)
    return `status ${status}, a redirect that was not followed, instead of a key body`;
  if (status < 200 || status >= 300) return `status ${status} instead of a key body`;
  if (transport.json !== undefined) return undefined;
  const body = unreadableBody(outcome.text, outcome.headers['content-type'], transport.findings);
  return `status ${status} with ${body} instead of a key body`;
};

/** A key that exists: 200, JSON, a ProjectApiKey, the one asked for, owned as it says, redacted. */
export const checkRetrievedKey = (
  state: keyof typeof ASKED_OWNERS,
  keyId: string,
  outcome: LiveOutcome,
  context: LiveContext,
): Draft[] => {
  const label = STATE_LABELS[state];
  const transport = transportOf(outcome, (status) =>
    status === 200 ? undefined : `status is ${status}, expected 200 for a key that exists`,
  );
  const drafts = [check('transport', label, transport.findings, outcome)];
  const reason = whyNoKey(outcome, transport);
  if (reason) {
    const security = [...crossOriginRedirect(outcome), ...echoedSecrets(outcome)];
    drafts.push(skipped('schema', label, reason, outcome), skipped('semantic', label, reason, outcome));
    drafts.push(
      security.length > 0
        ? check('security', label, security, outcome)
        : skipped('security', label, reason, outcome),
    );
    return drafts;
  }
  const body = transport.json;
  drafts.push(
    check(
      'schema',
      label,
      context.validators.validate('ProjectApiKey', body, { strict: context.strict }).findings,
      outcome,
    ),
    check(
      'semantic',
      label,
      [
        ...checkOwnerAsked(body, context.ownerKinds, ASKED_OWNERS[state]),
        ...checkOwnerAgreement(body, context.ownerKinds),
        ...checkIdentity(body, keyId),
      ],
      outcome,
    ),
    check('security', label, [...checkRedaction(body), ...echoedSecrets(outcome)], outcome),
  );
  return drafts;
};

const errorShapeFindings = (json: unknown): Finding[] =>
  json === undefined || asOpenAIError(json)
    ? []
    : [
        {
          pointer: '/error',
          keyword: 'errorShape',
          message: 'error body is not OpenAI\'s { "error": { "message", "type" } }',
          severity: 'warning',
        },
      ];

/**
 * A key that cannot exist: 404 with OpenAI's error body (anything 2xx means the id is not checked), and
 * the admin key not echoed in it.
 */
export const checkUnknownKey = (outcome: LiveOutcome): Draft[] => {
  const label = STATE_LABELS.unknownKey;
  const transport = transportOf(outcome, (status) => {
    if (status === 404) return undefined;
    if (status >= 200 && status < 300) return `status is ${status} for a key that cannot exist, expected 404`;
    return `status is ${status}, expected 404 for a key that cannot exist`;
  });
  return [
    check(
      'transport',
      label,
      [...transport.findings, ...errorShapeFindings(transport.json)],
      outcome,
      UNKNOWN_KEY_CHECK,
    ),
    check('security', label, echoedSecrets(outcome), outcome, UNKNOWN_KEY_SECURITY),
  ];
};

/** An admin key that is not valid is refused (401, or 403 as the real service sometimes says). */
export const checkInvalidAdminKey = (outcome: LiveOutcome): Draft[] => {
  const label = STATE_LABELS.invalidAdminKey;
  if (outcome.kind === 'failure') {
    const findings = [error('', 'transport', outcome.message), ...echoedSecrets(outcome)];
    return [check('security', label, findings, outcome, INVALID_KEY_CHECK)];
  }
  const findings: Finding[] = [];
  if (outcome.status >= 200 && outcome.status < 300) {
    findings.push(
      error(
        '',
        'auth',
        `status is ${outcome.status}: the target answered a request with an invalid admin key`,
      ),
    );
  } else if (outcome.status !== 401 && outcome.status !== 403) {
    findings.push(
      error('', 'auth', `status is ${outcome.status}, expected 401 or 403 for an invalid admin key`),
    );
  }
  const parsed = parseProviderJson(outcome.text);
  const json = parsed.ok ? parsed.value : undefined;
  return [
    check(
      'security',
      label,
      [...findings, ...echoedSecrets(outcome), ...errorShapeFindings(json)],
      outcome,
      INVALID_KEY_CHECK,
    ),
  ];
};
