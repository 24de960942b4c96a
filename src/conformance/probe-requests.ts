import fc from 'fast-check';
import { alphabetOf } from './probes.ts';

// The probe stage's requests as data, and the fast-check arbitraries they are drawn from. Each category
// varies one thing of an otherwise valid request (the key id, the project, the credentials, the query,
// Accept, the method); the last varies them all. Defaults come first in every choice, so fast-check's
// shrinking walks a failing request back towards the valid one and stops where it still fails.

/** The only methods a run sends to a target it did not start: the same path also takes DELETE. */
export const SAFE_METHODS: readonly string[] = ['GET', 'HEAD'];
/** Sent only to the bundled reference provider, which serves none of them. */
export const REFERENCE_ONLY_METHODS: readonly string[] = ['DELETE', 'POST', 'PUT', 'PATCH'];

/** How a probe authenticates: the admin key, or one of the ways it can be wrong. */
export type Auth =
  | { kind: 'admin' }
  | { kind: 'none' }
  | { kind: 'empty-bearer'; value: string }
  | { kind: 'other-scheme'; scheme: string }
  | { kind: 'appended'; character: string }
  | { kind: 'removed'; index: number }
  | { kind: 'case-flipped' }
  | { kind: 'project-key'; token: string }
  | { kind: 'two-headers'; other: string; adminFirst: boolean };

/** Which auth variant a request used, in words: reports name it, never the token. */
export const AUTH_LABELS: Record<Auth['kind'], string> = {
  admin: 'the admin key',
  none: 'no Authorization header',
  'empty-bearer': '"Bearer" with nothing after it',
  'other-scheme': 'the admin key under another scheme',
  appended: 'the admin key with a character appended',
  removed: 'the admin key with a character removed',
  'case-flipped': 'the admin key with its case flipped',
  'project-key': 'a token shaped like a project key',
  'two-headers': 'two Authorization headers',
};

export interface ProbeRequest {
  /** The category the request was drawn from: what it varies. */
  category: string;
  method: string;
  projectId: string;
  keyId: string;
  auth: Auth;
  /** Query parameters the document does not declare, in order. */
  query: [string, string][];
  /** The Accept header; undefined sends none. */
  accept: string | undefined;
}

/** What the requests are made from: the target's ids and key, and what it may be sent. */
export interface ProbeContext {
  /** The project the run's states use (a random well-formed one when none was given). */
  projectId: string;
  /** Whether `projectId` is a real project of the target (given by flags, or the reference provider's). */
  projectKnown: boolean;
  /** Keys that exist in `projectId`; may be empty. */
  knownKeyIds: readonly string[];
  /** An id shaped like real ones, for generating unknown ids when no key is known. */
  keyIdModel: string;
  otherProjectId?: string;
  adminKey: string;
  /** An admin key that is not valid (the invalid-key state's): the second of two Authorization headers. */
  otherAdminKey: string;
  /** A token shaped like a project key (`sk-proj-…`), one per run. */
  projectKey: string;
  /** The bundled reference provider: methods other than GET and HEAD may be sent. */
  reference: boolean;
  /** Query parameter names the document declares: never sent as unknown ones. */
  documentedQuery: readonly string[];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const ALPHANUMERIC = `${LETTERS}${LETTERS.toUpperCase()}0123456789`;

/** `key_`, `proj_`: up to and with the first underscore, as the unknown-key state reads it. */
export function idPrefixOf(id: string): string {
  const underscore = id.indexOf('_');
  return underscore > 0 && underscore < id.length - 1 ? id.slice(0, underscore + 1) : '';
}

/** A string of `length` characters of `alphabet`. */
function stringOf(alphabet: string, minLength: number, maxLength = minLength) {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
}

/** A fresh id shaped like `model`: its prefix, then its alphabet at its length; never one of `taken`. */
function shapedLike(model: string, taken: readonly string[]): fc.Arbitrary<string> {
  const prefix = idPrefixOf(model);
  const body = model.slice(prefix.length);
  return stringOf(alphabetOf(body), Math.max(1, body.length))
    .map((text) => prefix + text)
    .filter((id) => !taken.includes(id));
}

/** `text` with `insert` placed at `position` (taken modulo its length + 1). */
function insertAt(text: string, insert: string, position: number): string {
  const at = position % (text.length + 1);
  return text.slice(0, at) + insert + text.slice(at);
}

function codePoint(min: number, max: number) {
  return fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
}

/** Astral (emoji), right-to-left (Hebrew, Arabic, the bidi marks) and combining characters. */
const unicodeCharacter = fc.oneof(
  codePoint(0x1f300, 0x1faff),
  fc.oneof(codePoint(0x05d0, 0x05ea), codePoint(0x0627, 0x064a), fc.constantFrom('\u200f', '\u202e')),
  fc.tuple(fc.constantFrom('e', 'a', 'K'), codePoint(0x0300, 0x036f)).map(([base, mark]) => base + mark),
);

/** Characters that mean something in a URL, or to a server that decodes a path twice. */
const RESERVED = ['%2F', '%00', '..', '/', '\u0000', ';', '?', '#', ' ', '%', '\\', '../'];

const WHITESPACE = [' ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u200b'];

/** Flips the case of the letters at `positions`. */
function flipCaseAt(text: string, positions: readonly number[]): string {
  return [...text].map((c, i) => (positions.includes(i) ? flipCase(c) : c)).join('');
}

function flipCase(text: string): string {
  return [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** Key ids that vary from the known ones (or the model) in one way each. */
function keyIdArbitraries(context: ProbeContext): Record<string, fc.Arbitrary<string>> {
  const known = context.knownKeyIds;
  const base = known.length > 0 ? fc.constantFrom(...known) : fc.constant(context.keyIdModel);
  const model = known[0] ?? context.keyIdModel;
  const bodyAlphabet = alphabetOf(model.slice(idPrefixOf(model).length));
  return {
    'unknown id': shapedLike(model, known),
    'unicode id': fc
      .tuple(base, fc.array(unicodeCharacter, { minLength: 1, maxLength: 6 }), fc.nat())
      .map(([id, characters, at]) => insertAt(id, characters.join(''), at)),
    'reserved characters in the id': fc
      .tuple(base, fc.array(fc.constantFrom(...RESERVED), { minLength: 1, maxLength: 4 }), fc.nat())
      .map(([id, tokens, at]) => insertAt(id, tokens.join(''), at)),
    'long id': fc
      .tuple(base, fc.integer({ min: 256, max: 8192 }))
      .map(([id, length]) =>
        (id + bodyAlphabet.repeat(Math.ceil(length / bodyAlphabet.length))).slice(0, length),
      ),
    'case variant of a known id': base.chain((id) => {
      const letters = [...id].flatMap((c, i) => (c.toLowerCase() !== c.toUpperCase() ? [i] : []));
      return letters.length === 0
        ? fc.constant(id)
        : fc.subarray(letters, { minLength: 1 }).map((positions) => flipCaseAt(id, positions));
    }),
    'whitespace variant of a known id': fc
      .tuple(base, fc.constantFrom(...WHITESPACE), fc.constantFrom('after', 'before', 'both'))
      .map(([id, space, where]) =>
        where === 'after' ? id + space : where === 'before' ? space + id : space + id + space,
      ),
  };
}

/** Projects other than the run's: a random well-formed id, and `--other-project-id` when given. */
function otherProjectArbitrary(context: ProbeContext): fc.Arbitrary<string> {
  const random = shapedLike(context.projectId, [context.projectId]);
  return context.otherProjectId === undefined
    ? random
    : fc.oneof(fc.constant(context.otherProjectId), random);
}

/**
 * Every way the credentials can be wrong, one arbitrary each. Few distinct tokens per run: each one sent is
 * a secret every output is redacted of, and each costs every redaction after it.
 */
function authArbitraries(context: ProbeContext): Record<Exclude<Auth['kind'], 'admin'>, fc.Arbitrary<Auth>> {
  const last = context.adminKey.length - 1;
  return {
    none: fc.constant({ kind: 'none' }),
    'empty-bearer': fc.constantFrom('Bearer', 'Bearer ').map((value) => ({ kind: 'empty-bearer', value })),
    'other-scheme': fc.constantFrom('Basic', 'Token').map((scheme) => ({ kind: 'other-scheme', scheme })),
    appended: fc.constantFrom('0', 'x', '_').map((character) => ({ kind: 'appended', character })),
    // The indexes variantTokensOf knows: the last character, and the first.
    removed: fc.constantFrom(last, 0).map((index) => ({ kind: 'removed', index })),
    'case-flipped': fc.constant({ kind: 'case-flipped' }),
    'project-key': fc.constant({ kind: 'project-key', token: context.projectKey }),
    'two-headers': fc
      .boolean()
      .map((adminFirst) => ({ kind: 'two-headers', other: context.otherAdminKey, adminFirst })),
  };
}

const QUERY_NAMES = [
  'debug',
  'include',
  'expand',
  'fields',
  'project_id',
  'key_id',
  'limit',
  'after',
  'admin',
];
const QUERY_VALUES = ['1', 'true', '*', 'all', '../', '%00', ''];

function queryArbitrary(context: ProbeContext, minLength: number): fc.Arbitrary<[string, string][]> {
  const name = fc
    .oneof(fc.constantFrom(...QUERY_NAMES), stringOf(`${LETTERS}_`, 1, 12))
    .filter((n) => !context.documentedQuery.includes(n));
  const value = fc.oneof(fc.constantFrom(...QUERY_VALUES), stringOf(ALPHANUMERIC, 0, 16));
  return fc.array(fc.tuple(name, value), { minLength, maxLength: 3 });
}

const ACCEPTS = [
  'application/json',
  '*/*',
  'text/html',
  'application/xml',
  'text/plain',
  'application/json; charset=utf-8',
  'application/json, text/plain, */*',
  'image/png',
];

/** One category of probes: its name and what it draws. */
export interface ProbeCategory {
  name: string;
  arbitrary: fc.Arbitrary<ProbeRequest>;
}

interface Dimensions {
  method: fc.Arbitrary<string>;
  projectId: fc.Arbitrary<string>;
  keyId: fc.Arbitrary<string>;
  auth: fc.Arbitrary<Auth>;
  query: fc.Arbitrary<[string, string][]>;
  accept: fc.Arbitrary<string | undefined>;
}

/**
 * The categories, in the order probes cycle through them (probe i is of category i mod their count), so
 * a few dozen probes try every kind of request whatever the seed.
 */
export function probeCategories(context: ProbeContext): ProbeCategory[] {
  const knownId =
    context.knownKeyIds.length > 0
      ? fc.constantFrom(...context.knownKeyIds)
      : fc.constant(context.keyIdModel);
  const defaults: Dimensions = {
    method: fc.constant('GET'),
    projectId: fc.constant(context.projectId),
    keyId: knownId,
    auth: fc.constant<Auth>({ kind: 'admin' }),
    query: fc.constant([]),
    accept: fc.constant('application/json'),
  };
  const category = (name: string, varied: Partial<Dimensions>): ProbeCategory => {
    const dimensions = { ...defaults, ...varied };
    return {
      name,
      arbitrary: fc.record(dimensions).map((request) => ({ category: name, ...request }) as ProbeRequest),
    };
  };
  const ids = keyIdArbitraries(context);
  const auths = authArbitraries(context);
  const methods = context.reference ? ['HEAD', ...REFERENCE_ONLY_METHODS] : ['HEAD'];
  const allAccepts = fc.constantFrom<string | undefined>(...ACCEPTS, undefined);
  return [
    ...Object.entries(ids).map(([name, keyId]) => category(name, { keyId })),
    category('known key under another project', { projectId: otherProjectArbitrary(context) }),
    ...Object.entries(auths).map(([kind, auth]) =>
      category(`auth: ${AUTH_LABELS[kind as Auth['kind']]}`, { auth }),
    ),
    category('unknown query parameters', { query: queryArbitrary(context, 1) }),
    category('Accept variants', {
      accept: fc.constantFrom<string | undefined>(...ACCEPTS.slice(1), undefined),
    }),
    category('HEAD', { method: fc.constant('HEAD') }),
    // Only the bundled reference provider: the same path takes DELETE on a real deployment.
    ...(context.reference
      ? [category('other methods', { method: fc.constantFrom(...REFERENCE_ONLY_METHODS) })]
      : []),
    category('anything', {
      method: fc.constantFrom('GET', ...methods),
      projectId: fc.oneof(fc.constant(context.projectId), otherProjectArbitrary(context)),
      keyId: fc.oneof(knownId, ...Object.values(ids)),
      auth: fc.oneof(fc.constant<Auth>({ kind: 'admin' }), ...Object.values(auths)),
      query: queryArbitrary(context, 0),
      accept: allAccepts,
    }),
  ];
}

/** The Authorization header values a request carries: none, one, or two. */
export function authorizationOf(auth: Auth, adminKey: string): string[] {
  switch (auth.kind) {
    case 'admin':
      return [`Bearer ${adminKey}`];
    case 'none':
      return [];
    case 'empty-bearer':
      return [auth.value];
    case 'other-scheme':
      return [`${auth.scheme} ${adminKey}`];
    case 'appended':
      return [`Bearer ${adminKey}${auth.character}`];
    case 'removed':
      return [`Bearer ${adminKey.slice(0, auth.index)}${adminKey.slice(auth.index + 1)}`];
    case 'case-flipped':
      return [`Bearer ${flipCase(adminKey)}`];
    case 'project-key':
      return [`Bearer ${auth.token}`];
    case 'two-headers': {
      const pair = [`Bearer ${adminKey}`, `Bearer ${auth.other}`];
      return auth.adminFirst ? pair : pair.reverse();
    }
  }
}

/** The headers of a request, names in lower case; two Authorization headers are an array. */
export function headersOf(request: ProbeRequest, adminKey: string): Record<string, string | string[]> {
  const authorization = authorizationOf(request.auth, adminKey);
  return {
    ...(authorization.length === 1 ? { authorization: authorization[0] as string } : {}),
    ...(authorization.length > 1 ? { authorization } : {}),
    ...(request.accept === undefined ? {} : { accept: request.accept }),
  };
}

/**
 * Tokens a request sends that come from the admin key without holding it whole (one character removed,
 * the case flipped): no output may show them. One that holds it is redacted where the key is.
 */
export function derivedSecrets(request: ProbeRequest, adminKey: string): string[] {
  return authorizationOf(request.auth, adminKey)
    .map((value) => value.replace(/^\S+\s*/, ''))
    .filter((token) => token.length >= 8 && !token.includes(adminKey));
}

/**
 * Every token the credential variants can send, from the context alone: known before the first probe, so
 * each way out learns them all at once (a redaction pattern is built per set of secrets, and costs).
 */
export function variantTokensOf(context: ProbeContext): string[] {
  const last = context.adminKey.length - 1;
  const variants: Auth[] = [
    { kind: 'removed', index: last },
    { kind: 'removed', index: 0 },
    { kind: 'case-flipped' },
    { kind: 'project-key', token: context.projectKey },
  ];
  return [...new Set(variants.flatMap((auth) => derivedSecrets(requestFor(auth), context.adminKey)))];
}

function requestFor(auth: Auth): ProbeRequest {
  return { category: '', method: 'GET', projectId: '', keyId: '', auth, query: [], accept: undefined };
}

/** Why a request is not one the target should serve; empty for a valid request. */
export function invalidityOf(request: ProbeRequest, context: ProbeContext): string[] {
  const reasons: string[] = [];
  if (!SAFE_METHODS.includes(request.method)) reasons.push(`the method ${request.method} is not served`);
  const authorization = authorizationOf(request.auth, context.adminKey);
  if (authorization.length !== 1 || authorization[0] !== `Bearer ${context.adminKey}`) {
    reasons.push('its credentials are not valid');
  }
  if (request.projectId !== context.projectId || !context.projectKnown) {
    reasons.push('its project is not the one the key is in');
  } else if (!context.knownKeyIds.includes(request.keyId)) {
    reasons.push(
      `no key has its id${request.category.includes('known id') ? ' (a variant of a known id)' : ''}`,
    );
  }
  return reasons;
}

/** Whether the request carries exactly the admin key, once. */
export function credentialsValid(request: ProbeRequest, adminKey: string): boolean {
  const authorization = authorizationOf(request.auth, adminKey);
  return authorization.length === 1 && authorization[0] === `Bearer ${adminKey}`;
}

/** A stable key for a request, for answering a repeated request from what it got the first time. */
export function requestKey(request: ProbeRequest): string {
  return JSON.stringify([
    request.method,
    request.projectId,
    request.keyId,
    request.auth,
    request.query,
    request.accept,
  ]);
}
