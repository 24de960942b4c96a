import type { CheckCategory } from '../core/check.ts';

// The reference provider's fault modes, as data: tests iterate them to prove the suite finds each one,
// docs list them. `expect` is what a conformance run against the faulty provider must conclude.

export interface FaultExpectation {
  /**
   * The run's verdict: `pass` only for transient faults a client that retries once gets past, and for
   * faults that only warn (`status: 'warn'`).
   */
  verdict: 'pass' | 'fail';
  /** `warn`: the check of `category` warns rather than fails, and the verdict passes. */
  status?: 'warn';
  /** The kind of check that must report it. */
  category: CheckCategory;
  /** Where in the body the finding points, for body faults. */
  pointer?: string;
  /** The keyword of that finding: the schema keyword for schema faults. */
  keyword?: string;
  /** The conclusion, as a sentence a report could carry. */
  conclusion: string;
}

export interface Fault {
  name: string;
  description: string;
  expect: FaultExpectation;
  /** What a conformance run needs beyond the usual flags to meet the fault (`--sweep` for the list's). */
  flags?: readonly string[];
}

export const FAULTS = [
  {
    name: 'wrong-enum',
    description: 'owner.type is a value outside its enum',
    expect: {
      verdict: 'fail',
      category: 'schema',
      pointer: '/owner/type',
      keyword: 'enum',
      conclusion: 'schema check fails at /owner/type: value outside the enum',
    },
  },
  {
    name: 'missing-required',
    description: 'redacted_value is left out of the body',
    expect: {
      verdict: 'fail',
      category: 'schema',
      pointer: '/redacted_value',
      keyword: 'required',
      conclusion: 'schema check fails at /redacted_value: required property missing',
    },
  },
  {
    name: 'wrong-type',
    description: 'created_at is an ISO date string instead of Unix seconds',
    expect: {
      verdict: 'fail',
      category: 'schema',
      pointer: '/created_at',
      keyword: 'type',
      conclusion: 'schema check fails at /created_at: a string where an integer is declared',
    },
  },
  {
    name: 'unredacted-key',
    description: 'redacted_value is a whole-looking sk-proj- secret, generated at run time',
    expect: {
      verdict: 'fail',
      category: 'security',
      pointer: '/redacted_value',
      conclusion:
        'security check fails at /redacted_value: an unmasked secret (and the report does not repeat it)',
    },
  },
  {
    name: 'masked-whole-key',
    description:
      'redacted_value is a whole sk-proj- secret with one `*` appended, so a mask character is present',
    expect: {
      verdict: 'fail',
      category: 'security',
      pointer: '/redacted_value',
      conclusion:
        'security check fails at /redacted_value: judged by the key characters shown, not by the presence of a mask',
    },
  },
  {
    name: 'prose-redacted-value',
    description: 'redacted_value is prose ("redacted for privacy"), not shaped like a key',
    expect: {
      verdict: 'pass',
      status: 'warn',
      category: 'security',
      pointer: '/redacted_value',
      keyword: 'redaction',
      conclusion:
        'security check warns at /redacted_value: it does not look like a redacted key; no leak, so the reports show it as it is',
    },
  },
  {
    name: 'huge-id',
    description: 'id is a 5 MB string (the body stays under the size cap)',
    expect: {
      verdict: 'fail',
      category: 'semantic',
      pointer: '/id',
      conclusion:
        'semantic check fails at /id; every report and the console show the id cut, with its length, and stay small',
    },
  },
  {
    name: 'live-shape',
    description:
      "today's real service: owner.user {id,email,name,created_at,role}, extra last_used_at, owner_project_access",
    expect: {
      verdict: 'fail',
      category: 'schema',
      pointer: '/owner/user/added_at',
      keyword: 'required',
      conclusion:
        'schema check fails at /owner/user/added_at and /owner/user/object (required); /owner/user/created_at, /last_used_at and /owner_project_access are undeclared',
    },
  },
  {
    name: 'owner-mismatch',
    description: 'owner.type is user but only owner.service_account is present',
    expect: {
      verdict: 'fail',
      category: 'semantic',
      pointer: '/owner/user',
      conclusion:
        'semantic check fails at /owner/user: owner.type names a sub-object the body lacks (the schema alone passes)',
    },
  },
  {
    name: 'swapped-owner-types',
    description:
      "each seeded key is owned by the other kind of owner, as when a user's key is given as --service-account-key-id and the other way round",
    expect: {
      verdict: 'fail',
      category: 'semantic',
      pointer: '/owner/type',
      keyword: 'ownerType',
      conclusion:
        "semantic check fails at /owner/type: the key's owner.type contradicts the flag its id was given with (each body is sound in itself)",
    },
  },
  {
    name: 'wrong-id',
    description: 'the body describes a different key id than the one requested',
    expect: {
      verdict: 'fail',
      category: 'semantic',
      pointer: '/id',
      conclusion: 'semantic check fails at /id: not the key_id requested',
    },
  },
  {
    name: 'html-200',
    description: 'an HTML page with status 200 and content-type text/html',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion:
        'transport check fails: text/html where application/json is documented, and the body is not JSON',
    },
  },
  {
    name: 'wrong-content-type',
    description: 'a valid JSON body served as text/plain',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion:
        'transport check fails on the content-type (text/plain); the body itself is a valid ProjectApiKey',
    },
  },
  {
    name: 'empty-body',
    description: 'status 200 with zero bytes of body',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion: 'transport check fails: an empty 200 is not a ProjectApiKey',
    },
  },
  {
    name: 'truncated-json',
    description: 'content-length promises the whole body; the connection closes halfway through the JSON',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion:
        'transport check fails: the body ended before content-length; no schema verdict on a partial body',
    },
  },
  {
    name: 'rate-limited',
    description: 'first attempt of each request: 429 with Retry-After (seconds), then OK',
    expect: {
      verdict: 'pass',
      category: 'transport',
      conclusion: 'passes after one retry that waited the Retry-After; the exchange records 2 attempts',
    },
  },
  {
    name: 'retry-after-ms',
    description: 'first attempt of each request: 429 with retry-after-ms, then OK',
    expect: {
      verdict: 'pass',
      category: 'transport',
      conclusion: 'passes after one retry that waited the retry-after-ms; the exchange records 2 attempts',
    },
  },
  {
    name: 'transient-5xx',
    description: 'first attempt of each request: 503, then OK',
    expect: {
      verdict: 'pass',
      category: 'transport',
      conclusion: 'passes after one retry with backoff; the exchange records 2 attempts',
    },
  },
  {
    name: 'permanent-5xx',
    description: 'every request: 500',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion: 'transport check fails: 500 on every attempt, retries exhausted',
    },
  },
  {
    name: 'hang',
    description: 'accepts the request and never answers',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion: 'transport check fails on a timeout; the run itself ends and reports it',
    },
  },
  {
    name: 'reset',
    description: 'destroys the connection without a response',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion: 'transport check fails: connection reset with no response',
    },
  },
  {
    name: 'huge-body',
    description: 'status 200 and an endless-looking JSON body (default 300 MB), streamed',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion: 'transport check fails: the body exceeds the size cap; the run stops reading at the cap',
    },
  },
  {
    name: 'auth-not-enforced',
    description: 'answers with any bearer, or none',
    expect: {
      verdict: 'fail',
      category: 'security',
      conclusion: 'security check fails: a request with no or an invalid admin key gets 200, not 401',
    },
  },
  {
    name: 'not-found-not-enforced',
    description: 'status 200 and a key body for an unknown key id',
    expect: {
      verdict: 'fail',
      category: 'pact',
      conclusion: 'the unknown-key interaction fails: 200 where 404 is expected',
    },
  },
  {
    name: 'cross-origin-redirect',
    description: 'status 302 to another origin, which records whether an Authorization header reached it',
    expect: {
      verdict: 'fail',
      category: 'security',
      conclusion:
        'security check fails on the cross-origin redirect; the run does not carry the admin key to the other origin',
    },
  },
  {
    name: 'same-origin-redirect',
    description: 'status 302 to a sign-in page on the same origin, which answers 200 with HTML',
    expect: {
      verdict: 'fail',
      category: 'transport',
      conclusion:
        'transport check fails on the HTML the followed redirect lands on; the pact check judges the same answer',
    },
  },
  {
    name: 'key-in-header',
    description: 'every answer carries the Authorization it was sent in an x-debug-authorization header',
    expect: {
      verdict: 'fail',
      category: 'security',
      keyword: 'secretEchoed',
      conclusion: 'security check fails: the admin key comes back in a header (the reports show it redacted)',
    },
  },
  {
    name: 'key-in-error-body',
    description: '401 and 404 error messages quote the bearer token they were sent',
    expect: {
      verdict: 'fail',
      category: 'security',
      keyword: 'secretEchoed',
      conclusion:
        'security check fails: the admin key (and the probe key) come back in error bodies, shown redacted',
    },
  },
  {
    name: 'key-json-escaped',
    description: 'a key body whose name is the admin key, its first character JSON-escaped (\\u0073k-…)',
    expect: {
      verdict: 'fail',
      category: 'security',
      keyword: 'secretEchoed',
      conclusion: 'security check fails: the admin key, JSON-escaped, is still the admin key',
    },
  },
  {
    name: 'key-in-location',
    description: 'status 307 to the same path with ?session= the base64 of the bearer; that URL then answers',
    expect: {
      verdict: 'fail',
      category: 'security',
      keyword: 'secretEchoed',
      conclusion:
        'security check fails on the base64 admin key in a Location the policy followed (same origin); redacted in reports',
    },
  },
  {
    name: 'plausible-unknown-key',
    description:
      'status 200 and a key body for any unknown key id shaped like the seeded ones (key_ and 16 letters or digits)',
    expect: {
      verdict: 'fail',
      category: 'pact',
      keyword: 'status',
      conclusion:
        "the unknown-key interaction fails: the run's probe id looks like a real one, so it gets 200 where 404 is expected",
    },
  },
  {
    name: 'admin-shaped-bearer',
    description: 'accepts any bearer shaped like the admin key: sk-admin- and the same length',
    expect: {
      verdict: 'fail',
      category: 'security',
      keyword: 'auth',
      conclusion:
        "security check fails: the run's invalid admin key is shaped like the real one and gets 200",
    },
  },
  // Faults only generated requests find: every provider state's request is answered right.
  {
    name: 'non-ascii-500',
    description: 'status 500 for a key id with a character outside ASCII',
    expect: {
      verdict: 'fail',
      category: 'probe',
      keyword: 'not-a-server-error',
      conclusion: 'the probe rule "no 5xx" fails on a generated id with a non-ASCII character',
    },
  },
  {
    name: 'bearer-prefix',
    description: 'accepts any bearer that starts with the admin key',
    expect: {
      verdict: 'fail',
      category: 'probe',
      keyword: 'credentials-refused',
      conclusion: 'the probe rules fail on the admin key with a character appended: answered 200, not 401',
    },
  },
  {
    name: 'anonymous-served',
    description: 'serves a request that has no Authorization header as if it had the admin key',
    expect: {
      verdict: 'fail',
      category: 'probe',
      keyword: 'credentials-refused',
      conclusion: 'the probe rules fail on a request with no Authorization header: served, not 401',
    },
  },
  {
    name: 'any-project',
    description: 'returns a key under any project id (broken object-level authorization, OWASP API1)',
    expect: {
      verdict: 'fail',
      category: 'probe',
      keyword: 'no-2xx-when-not-valid',
      conclusion:
        'the probe rule "no 2xx when not valid" fails on a known key requested under another project',
    },
  },
  {
    name: 'stack-trace-404',
    description: "404 bodies carry the error's stack trace, with the server's file paths",
    expect: {
      verdict: 'fail',
      category: 'probe',
      keyword: 'internals',
      conclusion: 'the probe rule "error bodies leak no internals" fails on the stack-trace lines of a 404',
    },
  },
  {
    name: 'case-insensitive-id',
    description: 'looks key ids up in any case, so a case variant of a known id returns that key',
    expect: {
      verdict: 'fail',
      category: 'probe',
      keyword: 'identity',
      conclusion:
        'the probe rules fail on a case variant of a known id: a 200 with another id than the one requested',
    },
  },
  {
    name: 'list-retrieve-disagree',
    description: "the list shows the seeded service account's key under another name than its retrieve does",
    flags: ['--sweep'],
    expect: {
      verdict: 'fail',
      category: 'list',
      pointer: '/name',
      keyword: 'listAgreement',
      conclusion: 'the sweep fails on that key at /name: the retrieved body is not its list entry',
    },
  },
  {
    name: 'listed-key-404',
    description: 'the list shows one key more than exists: its retrieve answers 404',
    flags: ['--sweep'],
    expect: {
      verdict: 'fail',
      category: 'list',
      keyword: 'listedNotFound',
      conclusion: 'the sweep fails on the listed key whose retrieve answers 404, naming it',
    },
  },
  {
    name: 'list-cursor-restarts',
    description: 'every page says has_more; a request with an after cursor gets the first page again',
    flags: ['--sweep'],
    expect: {
      verdict: 'fail',
      category: 'list',
      keyword: 'cursor',
      conclusion:
        'the list check fails on the repeated page; the sweep stops paging and checks what it listed',
    },
  },
  {
    name: 'list-has-more-forever',
    description: 'has_more is true on every page; past the last key come empty pages',
    flags: ['--sweep'],
    expect: {
      verdict: 'fail',
      category: 'list',
      keyword: 'emptyPage',
      conclusion: 'the list check fails on an empty page that says has_more; the sweep checks what it listed',
    },
  },
] as const satisfies readonly Fault[];

/** The faults only the probe stage finds: a run with `--probes 0` passes against each of them. */
export const PROBE_ONLY_FAULTS = [
  'non-ascii-500',
  'bearer-prefix',
  'anonymous-served',
  'any-project',
  'stack-trace-404',
  'case-insensitive-id',
] as const satisfies readonly (typeof FAULTS)[number]['name'][];

export type FaultName = (typeof FAULTS)[number]['name'];

export const FAULT_NAMES: readonly FaultName[] = FAULTS.map((fault) => fault.name);

export const isFaultName = (name: string): name is FaultName =>
  (FAULT_NAMES as readonly string[]).includes(name);

export const faultNamed = (name: FaultName): Fault => FAULTS.find((fault) => fault.name === name) as Fault;

/** The run flags a fault needs to be met (the list's need `--sweep`). */
export const faultFlags = (fault: Fault): readonly string[] => fault.flags ?? [];

/** Faults that fail the first attempt of each request and answer the retry. */
export const TRANSIENT_FAULTS: readonly FaultName[] = ['rate-limited', 'retry-after-ms', 'transient-5xx'];
