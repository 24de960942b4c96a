import type { CheckCategory } from '../../src/core/check.ts';
import type { FaultName } from '../../src/provider/index.ts';

// The oracle of the fault tests: what a conformance run against the reference provider in each fault mode
// must conclude. It lives with the tests, not beside the faults in src/provider/faults.ts, so the code
// under test does not state its own expected results. Record<FaultName, …>: a fault without a row does
// not compile.

export interface FaultVerdict {
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
  /** The keyword of that finding: the schema keyword for schema faults, the rule id for probe faults. */
  keyword?: string;
  /** The conclusion, as a sentence a report could carry (and the test's title). */
  conclusion: string;
}

export const FAULT_VERDICTS: Record<FaultName, FaultVerdict> = {
  'wrong-enum': {
    verdict: 'fail',
    category: 'schema',
    pointer: '/owner/type',
    keyword: 'enum',
    conclusion: 'schema check fails at /owner/type: value outside the enum',
  },
  'missing-required': {
    verdict: 'fail',
    category: 'schema',
    pointer: '/redacted_value',
    keyword: 'required',
    conclusion: 'schema check fails at /redacted_value: required property missing',
  },
  'wrong-type': {
    verdict: 'fail',
    category: 'schema',
    pointer: '/created_at',
    keyword: 'type',
    conclusion: 'schema check fails at /created_at: a string where an integer is declared',
  },
  'unredacted-key': {
    verdict: 'fail',
    category: 'security',
    pointer: '/redacted_value',
    conclusion:
      'security check fails at /redacted_value: an unmasked secret (and the report does not repeat it)',
  },
  'masked-whole-key': {
    verdict: 'fail',
    category: 'security',
    pointer: '/redacted_value',
    conclusion:
      'security check fails at /redacted_value: judged by the key characters shown, not by the presence of a mask',
  },
  'prose-redacted-value': {
    verdict: 'pass',
    status: 'warn',
    category: 'security',
    pointer: '/redacted_value',
    keyword: 'redaction',
    conclusion:
      'security check warns at /redacted_value: it does not look like a redacted key; no leak, so the reports show it as it is',
  },
  'huge-id': {
    verdict: 'fail',
    category: 'semantic',
    pointer: '/id',
    conclusion:
      'semantic check fails at /id; every report and the console show the id cut, with its length, and stay small',
  },
  'live-shape': {
    verdict: 'fail',
    category: 'schema',
    pointer: '/owner/user/added_at',
    keyword: 'required',
    conclusion:
      'schema check fails at /owner/user/added_at and /owner/user/object (required); /owner/user/created_at, /last_used_at and /owner_project_access are undeclared',
  },
  'owner-mismatch': {
    verdict: 'fail',
    category: 'semantic',
    pointer: '/owner/user',
    conclusion:
      'semantic check fails at /owner/user: owner.type names a sub-object the body lacks (the schema alone passes)',
  },
  'swapped-owner-types': {
    verdict: 'fail',
    category: 'semantic',
    pointer: '/owner/type',
    keyword: 'ownerType',
    conclusion:
      "semantic check fails at /owner/type: the key's owner.type contradicts the flag its id was given with (each body is sound in itself)",
  },
  'wrong-id': {
    verdict: 'fail',
    category: 'semantic',
    pointer: '/id',
    conclusion: 'semantic check fails at /id: not the key_id requested',
  },
  'html-200': {
    verdict: 'fail',
    category: 'transport',
    conclusion:
      'transport check fails: text/html where application/json is documented, and the body is not JSON',
  },
  'wrong-content-type': {
    verdict: 'fail',
    category: 'transport',
    conclusion:
      'transport check fails on the content-type (text/plain); the body itself is a valid ProjectApiKey',
  },
  'empty-body': {
    verdict: 'fail',
    category: 'transport',
    conclusion: 'transport check fails: an empty 200 is not a ProjectApiKey',
  },
  'truncated-json': {
    verdict: 'fail',
    category: 'transport',
    conclusion:
      'transport check fails: the body ended before content-length; no schema verdict on a partial body',
  },
  'rate-limited': {
    verdict: 'pass',
    category: 'transport',
    conclusion: 'passes after one retry that waited the Retry-After; the exchange records 2 attempts',
  },
  'retry-after-ms': {
    verdict: 'pass',
    category: 'transport',
    conclusion: 'passes after one retry that waited the retry-after-ms; the exchange records 2 attempts',
  },
  'transient-5xx': {
    verdict: 'pass',
    category: 'transport',
    conclusion: 'passes after one retry with backoff; the exchange records 2 attempts',
  },
  'permanent-5xx': {
    verdict: 'fail',
    category: 'transport',
    conclusion: 'transport check fails: 500 on every attempt, retries exhausted',
  },
  hang: {
    verdict: 'fail',
    category: 'transport',
    conclusion: 'transport check fails on a timeout; the run itself ends and reports it',
  },
  reset: {
    verdict: 'fail',
    category: 'transport',
    conclusion: 'transport check fails: connection reset with no response',
  },
  'huge-body': {
    verdict: 'fail',
    category: 'transport',
    conclusion: 'transport check fails: the body exceeds the size cap; the run stops reading at the cap',
  },
  'auth-not-enforced': {
    verdict: 'fail',
    category: 'security',
    conclusion: 'security check fails: a request with no or an invalid admin key gets 200, not 401',
  },
  'not-found-not-enforced': {
    verdict: 'fail',
    category: 'pact',
    conclusion: 'the unknown-key interaction fails: 200 where 404 is expected',
  },
  'cross-origin-redirect': {
    verdict: 'fail',
    category: 'security',
    conclusion:
      'security check fails on the cross-origin redirect; the run does not carry the admin key to the other origin',
  },
  'same-origin-redirect': {
    verdict: 'fail',
    category: 'transport',
    conclusion:
      'transport check fails on the HTML the followed redirect lands on; the pact check judges the same answer',
  },
  'key-in-header': {
    verdict: 'fail',
    category: 'security',
    keyword: 'secretEchoed',
    conclusion: 'security check fails: the admin key comes back in a header (the reports show it redacted)',
  },
  'key-in-error-body': {
    verdict: 'fail',
    category: 'security',
    keyword: 'secretEchoed',
    conclusion:
      'security check fails: the admin key (and the probe key) come back in error bodies, shown redacted',
  },
  'key-json-escaped': {
    verdict: 'fail',
    category: 'security',
    keyword: 'secretEchoed',
    conclusion: 'security check fails: the admin key, JSON-escaped, is still the admin key',
  },
  'key-in-location': {
    verdict: 'fail',
    category: 'security',
    keyword: 'secretEchoed',
    conclusion:
      'security check fails on the base64 admin key in a Location the policy followed (same origin); redacted in reports',
  },
  'plausible-unknown-key': {
    verdict: 'fail',
    category: 'pact',
    keyword: 'status',
    conclusion:
      "the unknown-key interaction fails: the run's probe id looks like a real one, so it gets 200 where 404 is expected",
  },
  'admin-shaped-bearer': {
    verdict: 'fail',
    category: 'security',
    keyword: 'auth',
    conclusion: "security check fails: the run's invalid admin key is shaped like the real one and gets 200",
  },
  'non-ascii-500': {
    verdict: 'fail',
    category: 'probe',
    keyword: 'not-a-server-error',
    conclusion: 'the probe rule "no 5xx" fails on a generated id with a non-ASCII character',
  },
  'bearer-prefix': {
    verdict: 'fail',
    category: 'probe',
    keyword: 'credentials-refused',
    conclusion: 'the probe rules fail on the admin key with a character appended: answered 200, not 401',
  },
  'anonymous-served': {
    verdict: 'fail',
    category: 'probe',
    keyword: 'credentials-refused',
    conclusion: 'the probe rules fail on a request with no Authorization header: served, not 401',
  },
  'any-project': {
    verdict: 'fail',
    category: 'probe',
    keyword: 'no-2xx-when-not-valid',
    conclusion: 'the probe rule "no 2xx when not valid" fails on a known key requested under another project',
  },
  'stack-trace-404': {
    verdict: 'fail',
    category: 'probe',
    keyword: 'internals',
    conclusion: 'the probe rule "error bodies leak no internals" fails on the stack-trace lines of a 404',
  },
  'case-insensitive-id': {
    verdict: 'fail',
    category: 'probe',
    keyword: 'identity',
    conclusion:
      'the probe rules fail on a case variant of a known id: a 200 with another id than the one requested',
  },
  'list-retrieve-disagree': {
    verdict: 'fail',
    category: 'list',
    pointer: '/name',
    keyword: 'listAgreement',
    conclusion: 'the sweep fails on that key at /name: the retrieved body is not its list entry',
  },
  'listed-key-404': {
    verdict: 'fail',
    category: 'list',
    keyword: 'listedNotFound',
    conclusion: 'the sweep fails on the listed key whose retrieve answers 404, naming it',
  },
  'list-cursor-restarts': {
    verdict: 'fail',
    category: 'list',
    keyword: 'cursor',
    conclusion: 'the list check fails on the repeated page; the sweep stops paging and checks what it listed',
  },
  'list-has-more-forever': {
    verdict: 'fail',
    category: 'list',
    keyword: 'emptyPage',
    conclusion: 'the list check fails on an empty page that says has_more; the sweep checks what it listed',
  },
};

/** The faults only the probe stage finds: a run with `--probes 0` passes against each of them. */
export const PROBE_ONLY_FAULTS = [
  'non-ascii-500',
  'bearer-prefix',
  'anonymous-served',
  'any-project',
  'stack-trace-404',
  'case-insensitive-id',
] as const satisfies readonly FaultName[];
