// What a change between two versions of an operation breaks, stated once per kind of change.
//
// A change is judged on the message it touches. Whoever *reads* that message (a consumer reading a
// response, a provider reading a request) breaks on what it does not expect to receive; whoever *writes*
// it (the provider of a response, the consumer of a request) breaks on what it was not built to send.
// So each rule names the reader or the writer, and the side of the exchange says who that is.

export const CHANGE_KINDS = [
  'property-added',
  'property-removed',
  'required-added',
  'required-removed',
  'type-changed',
  'nullable-added',
  'nullable-removed',
  'enum-value-added',
  'enum-value-removed',
  'enum-added',
  'enum-removed',
  'format-changed',
  'constraint-tightened',
  'constraint-loosened',
  'constraint-changed',
  'default-changed',
  'branch-added',
  'branch-removed',
  'parameter-renamed',
  'status-added',
  'status-removed',
  'security-added',
  'security-removed',
  'security-scopes-added',
  'security-scopes-removed',
  'security-scheme-changed',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The message a change is in: the response (the provider writes, the consumer reads) or the request. */
export type Side = 'response' | 'request';

export interface Rule {
  /** Breaks whoever reads the message, built to the old document. */
  breaksReader: boolean;
  /** Breaks whoever writes the message, built to the old document (and now held to the new one). */
  breaksWriter: boolean;
  /** Why, in words: `{readers}` and `{writers}` become consumers or providers by side. */
  why: string;
}

export const RULES: Record<ChangeKind, Rule> = {
  'property-added': {
    breaksReader: false,
    breaksWriter: false,
    why: 'optional: {writers} need not send it and {readers} can ignore it',
  },
  'property-removed': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} that use it no longer get it',
  },
  'required-added': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} built to the old document do not send it',
  },
  'required-removed': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} that rely on it may no longer get it',
  },
  'type-changed': {
    breaksReader: true,
    breaksWriter: true,
    why: 'neither side built to the old document handles values of the new type',
  },
  'nullable-added': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} meet a null they do not expect',
  },
  'nullable-removed': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} built to the old document may still send null',
  },
  'enum-value-added': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} meet a value they do not know',
  },
  'enum-value-removed': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} built to the old document may still send it',
  },
  'enum-added': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} built to the old document may send values outside it',
  },
  'enum-removed': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} meet values they do not know',
  },
  'constraint-tightened': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} built to the old document may still send what is now invalid',
  },
  'constraint-loosened': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} may now get values they did not expect',
  },
  'constraint-changed': {
    breaksReader: true,
    breaksWriter: true,
    why: 'neither tighter nor looser: {writers} may send what is now invalid, {readers} may get what they did not expect',
  },
  'default-changed': {
    breaksReader: false,
    breaksWriter: false,
    why: 'every value valid before is valid after, but {readers} that fill in a missing value now fill in another',
  },
  'branch-added': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} meet a variant they do not know',
  },
  'branch-removed': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} built to the old document may still send it',
  },
  'format-changed': {
    breaksReader: false,
    breaksWriter: false,
    why: 'an annotation: the JSON on the wire is the same',
  },
  'parameter-renamed': {
    breaksReader: false,
    breaksWriter: false,
    why: 'path parameters are matched by position: the URL on the wire is the same',
  },
  'status-added': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} meet a status they do not handle',
  },
  'status-removed': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} built to the old document may still answer with it',
  },
  // Credentials are in the request: the consumer writes them, the provider reads (checks) them.
  'security-added': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} built to the old document may refuse these credentials',
  },
  'security-removed': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} that call this way are refused',
  },
  'security-scopes-added': {
    breaksReader: false,
    breaksWriter: true,
    why: '{writers} whose tokens lack them are refused',
  },
  'security-scopes-removed': {
    breaksReader: true,
    breaksWriter: false,
    why: '{readers} built to the old document still demand them',
  },
  'security-scheme-changed': {
    breaksReader: true,
    breaksWriter: true,
    why: 'the credentials travel another way: neither side built to the old document speaks the new one',
  },
};

const PARTIES: Record<Side, { readers: string; writers: string }> = {
  response: { readers: 'consumers', writers: 'providers' },
  request: { readers: 'providers', writers: 'consumers' },
};

/** Who a change of `kind` in a message on `side` breaks, and why in words. */
export function judge(kind: ChangeKind, side: Side) {
  const rule = RULES[kind];
  const readerIsConsumer = side === 'response';
  const parties = PARTIES[side];
  return {
    breaksConsumers: readerIsConsumer ? rule.breaksReader : rule.breaksWriter,
    breaksProviders: readerIsConsumer ? rule.breaksWriter : rule.breaksReader,
    why: rule.why.replace('{readers}', parties.readers).replace('{writers}', parties.writers),
  };
}
