import type { CheckResult } from '../core/check.ts';
import type { BrokerPactFacts } from '../pact/broker-facts.ts';
import type { Exchange } from '../transport/exchange.ts';

// The one in-memory result of a conformance run: what every report renders, none recomputing a verdict.
// The run (src/conformance) builds it; the report's JSON Schema (schemas/) describes it.

/** A pact the run verified: where it came from, and what a broker said about it when it came from one. */
export interface PactRecord extends BrokerPactFacts {
  /** What checks name in their `pact` field. */
  id: string;
  path: string;
  sha256: string;
  consumer: string;
  provider: string;
  /** With --publish-results: the verification result published to the broker for this pact, or why none was. */
  publication?: PactPublication;
}

/** A pact's verification result as published to a Pact Broker (`--publish-results`). */
export interface PactPublication {
  /** Whether the broker holds the result now. */
  published: boolean;
  /** The result: the target honoured the pact (a failing pending pact is false, whatever the verdict). */
  success: boolean;
  providerVersion: string;
  providerBranch?: string;
  /** The result on the broker. */
  url?: string;
  /** Why it was not published. */
  error?: string;
}

/** Counts of checks by status. `warnings` are the target's; `notes` are about the document and the pact. */
export interface ConformanceSummary {
  passed: number;
  failed: number;
  warnings: number;
  skipped: number;
  notes: number;
}

export interface ConformanceResult {
  verdict: 'pass' | 'fail';
  /** False when the run was interrupted or could not finish: the checks are what was gathered. */
  complete: boolean;
  /** Why the run is incomplete or could not reach the target, in one line. */
  incompleteReason?: string;
  summary: ConformanceSummary;
  target: { baseUrl: string; reference: boolean };
  spec: { path: string; version: string; sha256: string };
  /** Every pact verified, in the order they were; one in a run of the committed pact. */
  pacts: PactRecord[];
  startedAt: string;
  finishedAt: string;
  checks: CheckResult[];
  exchanges: Exchange[];
  /** With --also-spec: each live 2xx key body against each document; informs, never decides the verdict. */
  specMatrix?: SpecMatrix;
  /** The run's seed and what its probe stage sent: the same seed, flags and target send the same requests. */
  probing?: Probing;
  /** With discovery or --sweep: where the key ids came from, and what listing the project's keys found. */
  projectKeys?: ProjectKeys;
}

/** The probe stage of a run: its seed (which also drew the unknown key id and invalid admin key), what it sent. */
export interface Probing {
  seed: number;
  /** Generated requests asked for (`--probes`); 0: the stage was off. */
  probes: number;
  /** Generated requests sent, and how many got an answer. */
  sent: number;
  answered: number;
  /** Answers that stayed 429 after the retries: honoured, never judged. */
  rateLimited: number;
  /** Further requests sent to shrink failures to their smallest case. */
  shrinkRequests: number;
  /** The flags that send the same requests again. */
  replay: string;
  /** Each failing rule's smallest failing request. */
  failures: ProbeFailure[];
}

/** The smallest request found that still breaks a rule, as a person replays it. */
export interface ProbeFailure {
  /** The rule's id (its check is `probes: <rule name>`). */
  rule: string;
  method: string;
  /** Path and query as sent, percent-encoded. */
  path: string;
  /** The request's header names, in lower case, repeated as sent. */
  headers: string[];
  /** Which auth variant, in words (never the token). */
  auth: string;
  /** Undefined when the request got no answer. */
  status?: number;
  /** What the rule found. */
  message: string;
  /** The generated probe it was shrunk from (1-based) and the shrink steps taken. */
  probe: number;
  shrinks: number;
}

/** Where a key state's id came from. */
export type KeyIdSource = 'flag' | 'list' | 'reference provider' | 'none';

/** The id a key state used (or why it has none), and where it came from. */
export interface KeyIdRecord {
  /** The state, as checks name it: `key owned by a user`. */
  state: string;
  id?: string;
  source: KeyIdSource;
  /** Where exactly, in words: `--user-key-id`, `page 1, entry 3 of the list`, why there is none. */
  detail: string;
}

/** A run's sweep (`--sweep`): every listed key retrieved, in counts. */
export interface SweepRecord {
  maxKeys: number;
  concurrency: number;
  /** List pages read. */
  pages: number;
  /** Keys the list showed (at most maxKeys were read). */
  listed: number;
  /** Keys whose retrieve was answered or failed: listed keys a stop left unrequested are not counted. */
  retrieved: number;
  /** Keys with at least one error finding, in any of the sweep's checks. */
  failedKeys: number;
  durationMs: number;
  keysPerSecond: number;
  /** Why listing stopped before the list's end, when it did: --max-keys, a pagination fault, a stop. */
  stoppedBecause?: string;
  /** Exchanges left out of `exchanges` (the first ones and those of failing keys are kept). */
  exchangesNotKept: number;
}

/** Discovery and --sweep: the list operation read, the ids the key states used, what listing found. */
export interface ProjectKeys {
  projectId: string;
  /** The list operation (`GET /organization/projects/{project_id}/api_keys`) and the document it is from. */
  list: { operation: string; document: string; note?: string };
  ids: KeyIdRecord[];
  /** Discovery: list pages and keys read to find one key of each owner type. */
  discovery?: { pages: number; keysRead: number };
  sweep?: SweepRecord;
}

/** A document as the matrix names it. */
export interface MatrixSpec {
  path: string;
  openapi: string;
  version: string;
  sha256: string;
}

export interface SpecMatrixCell {
  /** The key the body is of, as the checks name it (`key owned by a user`). */
  key: string;
  /** No error finding: the body is a valid ProjectApiKey of this document. */
  conforms: boolean;
  errors: number;
  /** Properties the document does not declare (errors instead with --strict), and other warnings. */
  warnings: number;
  /** The first findings' JSON Pointers into the body, errors first. */
  pointers: string[];
}

export interface SpecMatrixRow {
  spec: MatrixSpec;
  /** True for the --spec document: the one the verdict comes from. */
  verdict: boolean;
  cells: SpecMatrixCell[];
}

export interface SpecMatrix {
  /** The keys whose live request answered 2xx with JSON, in the order they were asked for. */
  keys: string[];
  rows: SpecMatrixRow[];
}

/** A live key body, named by the key it is of. */
