import { isAbsolute, relative } from 'node:path';
import type { LoadedPact } from '../../contract/pact.ts';
import { isPending } from '../../contract/pact.ts';
import type { CheckResult } from '../../core/check.ts';
import type { LoadedDocument } from '../../openapi/document.ts';
import type {
  ConformanceResult,
  PactRecord,
  Probing,
  ProjectKeys,
  SpecMatrix,
} from '../../report/conformance-result.ts';
import type { Exchange } from '../../transport/exchange.ts';
import {
  keyBodyWasChecked,
  noKeyBodyReason,
  summarize,
  verdictOf,
  withPendingAsWarnings,
} from '../verdict.ts';

// Stage 6, result: the one ConformanceResult every report renders. Pure: what the run gathered in, the
// verdict and its reason out. Secrets are not this stage's business: the report writer redacts every
// way out (report/write.ts), with the run's secrets (ConformanceRun.secrets).

export interface ResultInput {
  complete: boolean;
  /** Why the run stopped early (an interrupt, the deadline, an internal error). */
  incompleteReason?: string;
  target: ConformanceResult['target'];
  spec: Pick<LoadedDocument, 'path' | 'sha256'> & { version: string };
  pacts: readonly LoadedPact[];
  startedAt: string;
  finishedAt: string;
  checks: readonly CheckResult[];
  exchanges: readonly Exchange[];
  /** Where paths are shown relative to. */
  cwd?: string;
  /** --also-spec: which documents the live key bodies conform to; it informs, the verdict is the checks'. */
  specMatrix?: SpecMatrix;
  /** The run's seed and what its probe stage sent. */
  probing?: Probing;
  /** Discovery and --sweep: where the key ids came from, and what listing the project's keys found. */
  projectKeys?: ProjectKeys;
}

/** Paths in reports are relative to where the run started, so reports read the same on every machine. */
export const displayPath = (path: string, cwd = process.cwd()): string => {
  const relativePath = relative(cwd, path);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
};

export const pactRecordOf = (pact: LoadedPact, cwd?: string): PactRecord => {
  const { consumerVersion, url, pending, wip, selectedBecause, notices } = pact.source;
  return {
    id: pact.id,
    path: displayPath(pact.path, cwd),
    sha256: pact.sha256,
    consumer: pact.consumer,
    provider: pact.provider,
    ...(consumerVersion === undefined ? {} : { consumerVersion }),
    ...(url === undefined ? {} : { url }),
    ...(pending === undefined ? {} : { pending }),
    ...(wip === undefined ? {} : { wip }),
    ...(selectedBecause === undefined ? {} : { selectedBecause }),
    ...(notices === undefined || notices.length === 0 ? {} : { notices: [...notices] }),
  };
};

/**
 * Why the verdict is what it is when no single check says so: the target unreachable, or no key body (and
 * what came back instead of one).
 */
export const reasonOf = (
  input: Pick<ResultInput, 'complete' | 'incompleteReason' | 'exchanges'>,
  checks: readonly CheckResult[],
): string | undefined => {
  if (input.incompleteReason) return input.incompleteReason;
  const { exchanges } = input;
  if (exchanges.length > 0 && exchanges.every((e) => !e.response)) {
    return `target could not be reached: ${exchanges[0]?.error ?? 'no response'}`;
  }
  if (input.complete && !keyBodyWasChecked(checks)) return noKeyBodyReason(checks);
  return undefined;
};

/**
 * The result of a run that verified nothing and sent no request: a Pact Broker with no pact to verify, or
 * a stop while the pacts were being fetched. Its verdict fails, with `reason`.
 */
export const nothingVerifiedResult = (
  input: Pick<
    ResultInput,
    'complete' | 'target' | 'spec' | 'startedAt' | 'finishedAt' | 'cwd' | 'probing'
  > & {
    reason: string;
  },
): ConformanceResult => {
  const { reason, ...rest } = input;
  return buildResult({
    ...rest,
    incompleteReason: reason,
    pacts: [],
    checks: [],
    exchanges: [],
  });
};

export const buildResult = (input: ResultInput): ConformanceResult => {
  const pending = new Set(input.pacts.filter(isPending).map((pact) => pact.id));
  const checks = withPendingAsWarnings(input.checks, pending);
  const reason = reasonOf(input, checks);
  const result: ConformanceResult = {
    verdict: verdictOf(checks, input.complete),
    complete: input.complete,
    ...(reason ? { incompleteReason: reason } : {}),
    summary: summarize(checks),
    target: input.target,
    spec: {
      path: displayPath(input.spec.path, input.cwd),
      version: input.spec.version,
      sha256: input.spec.sha256,
    },
    pacts: input.pacts.map((pact) => pactRecordOf(pact, input.cwd)),
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    ...(input.probing && { probing: input.probing }),
    checks,
    exchanges: [...input.exchanges],
    ...(input.specMatrix && { specMatrix: input.specMatrix }),
    ...(input.projectKeys && { projectKeys: input.projectKeys }),
  };
  return result;
};
