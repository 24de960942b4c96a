import type { BrokerPactFacts } from '../broker-facts.ts';
import type { CheckResult } from '../check.ts';
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
