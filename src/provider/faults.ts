// The reference provider's fault modes, as data: the provider serves them, `--list-faults` and docs list
// them, tests iterate them to prove the suite finds each one. What a conformance run against each must
// conclude is the tests' own oracle (test/conformance/fault-verdicts.ts), not stated by the code under test.

export interface Fault {
  name: string;
  description: string;
  /** What a conformance run needs beyond the usual flags to meet the fault (`--sweep` for the list's). */
  flags?: readonly string[];
}

export const FAULTS = [
  {
    name: 'wrong-enum',
    description: 'owner.type is a value outside its enum',
  },
  {
    name: 'missing-required',
    description: 'redacted_value is left out of the body',
  },
  {
    name: 'wrong-type',
    description: 'created_at is an ISO date string instead of Unix seconds',
  },
  {
    name: 'unredacted-key',
    description: 'redacted_value is a whole-looking sk-proj- secret, generated at run time',
  },
  {
    name: 'masked-whole-key',
    description:
      'redacted_value is a whole sk-proj- secret with one `*` appended, so a mask character is present',
  },
  {
    name: 'prose-redacted-value',
    description: 'redacted_value is prose ("redacted for privacy"), not shaped like a key',
  },
  {
    name: 'huge-id',
    description: 'id is a 5 MB string (the body stays under the size cap)',
  },
  {
    name: 'live-shape',
    description:
      "today's real service: owner.user {id,email,name,created_at,role}, extra last_used_at, owner_project_access",
  },
  {
    name: 'owner-mismatch',
    description: 'owner.type is user but only owner.service_account is present',
  },
  {
    name: 'swapped-owner-types',
    description:
      "each seeded key is owned by the other kind of owner, as when a user's key is given as --service-account-key-id and the other way round",
  },
  {
    name: 'wrong-id',
    description: 'the body describes a different key id than the one requested',
  },
  {
    name: 'html-200',
    description: 'an HTML page with status 200 and content-type text/html',
  },
  {
    name: 'wrong-content-type',
    description: 'a valid JSON body served as text/plain',
  },
  {
    name: 'empty-body',
    description: 'status 200 with zero bytes of body',
  },
  {
    name: 'truncated-json',
    description: 'content-length promises the whole body; the connection closes halfway through the JSON',
  },
  {
    name: 'rate-limited',
    description: 'first attempt of each request: 429 with Retry-After (seconds), then OK',
  },
  {
    name: 'retry-after-ms',
    description: 'first attempt of each request: 429 with retry-after-ms, then OK',
  },
  {
    name: 'transient-5xx',
    description: 'first attempt of each request: 503, then OK',
  },
  {
    name: 'permanent-5xx',
    description: 'every request: 500',
  },
  {
    name: 'hang',
    description: 'accepts the request and never answers',
  },
  {
    name: 'reset',
    description: 'destroys the connection without a response',
  },
  {
    name: 'huge-body',
    description: 'status 200 and an endless-looking JSON body (default 300 MB), streamed',
  },
  {
    name: 'auth-not-enforced',
    description: 'answers with any bearer, or none',
  },
  {
    name: 'not-found-not-enforced',
    description: 'status 200 and a key body for an unknown key id',
  },
  {
    name: 'cross-origin-redirect',
    description: 'status 302 to another origin, which records whether an Authorization header reached it',
  },
  {
    name: 'same-origin-redirect',
    description: 'status 302 to a sign-in page on the same origin, which answers 200 with HTML',
  },
  {
    name: 'key-in-header',
    description: 'every answer carries the Authorization it was sent in an x-debug-authorization header',
  },
  {
    name: 'key-in-error-body',
    description: '401 and 404 error messages quote the bearer token they were sent',
  },
  {
    name: 'key-json-escaped',
    description: 'a key body whose name is the admin key, its first character JSON-escaped (\\u0073k-…)',
  },
  {
    name: 'key-in-location',
    description: 'status 307 to the same path with ?session= the base64 of the bearer; that URL then answers',
  },
  {
    name: 'plausible-unknown-key',
    description:
      'status 200 and a key body for any unknown key id shaped like the seeded ones (key_ and 16 letters or digits)',
  },
  {
    name: 'admin-shaped-bearer',
    description: 'accepts any bearer shaped like the admin key: sk-admin- and the same length',
  },
  // Faults only generated requests find: every provider state's request is answered right.
  {
    name: 'non-ascii-500',
    description: 'status 500 for a key id with a character outside ASCII',
  },
  {
    name: 'bearer-prefix',
    description: 'accepts any bearer that starts with the admin key',
  },
  {
    name: 'anonymous-served',
    description: 'serves a request that has no Authorization header as if it had the admin key',
  },
  {
    name: 'any-project',
    description: 'returns a key under any project id (broken object-level authorization, OWASP API1)',
  },
  {
    name: 'stack-trace-404',
    description: "404 bodies carry the error's stack trace, with the server's file paths",
  },
  {
    name: 'case-insensitive-id',
    description: 'looks key ids up in any case, so a case variant of a known id returns that key',
  },
  {
    name: 'list-retrieve-disagree',
    description: "the list shows the seeded service account's key under another name than its retrieve does",
    flags: ['--sweep'],
  },
  {
    name: 'listed-key-404',
    description: 'the list shows one key more than exists: its retrieve answers 404',
    flags: ['--sweep'],
  },
  {
    name: 'list-cursor-restarts',
    description: 'every page says has_more; a request with an after cursor gets the first page again',
    flags: ['--sweep'],
  },
  {
    name: 'list-has-more-forever',
    description: 'has_more is true on every page; past the last key come empty pages',
    flags: ['--sweep'],
  },
] as const satisfies readonly Fault[];

export type FaultName = (typeof FAULTS)[number]['name'];

export const FAULT_NAMES: readonly FaultName[] = FAULTS.map((fault) => fault.name);

export const isFaultName = (name: string): name is FaultName =>
  (FAULT_NAMES as readonly string[]).includes(name);

export const faultNamed = (name: FaultName): Fault => FAULTS.find((fault) => fault.name === name) as Fault;

/** The run flags a fault needs to be met (the list's need `--sweep`). */
export const faultFlags = (fault: Fault): readonly string[] => fault.flags ?? [];

/** Faults that fail the first attempt of each request and answer the retry. */
export const TRANSIENT_FAULTS: readonly FaultName[] = ['rate-limited', 'retry-after-ms', 'transient-5xx'];
