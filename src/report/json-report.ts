import type { CheckResult, CheckTally } from '../core/check.ts';
import type { Finding } from '../core/finding.ts';
import type { Attempt, Exchange } from '../transport/exchange.ts';
import type {
  ConformanceResult,
  ConformanceSummary,
  KeyIdRecord,
  PactPublication,
  PactRecord,
  ProbeFailure,
  Probing,
  ProjectKeys,
  SpecMatrix,
  SpecMatrixCell,
  SpecMatrixRow,
  SweepRecord,
} from './conformance-result.ts';
import { boundResult } from './redact-result.ts';

/**
 * The keys of `T` in the order given. It fails to compile when a key of `T` is left out, so a field
 * added to the model cannot silently fall out of the JSON report or its schema.
 */
const keyOrder =
  <T>() =>
  <const K extends readonly (keyof T & string)[]>(
    keys: K &
      ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> }),
  ): K =>
    keys;

type ExchangeRequest = Exchange['request'];
type ExchangeResponse = NonNullable<Exchange['response']>;

/** The order of keys in `conformance.json`: the model's, object by object. The schema follows it too. */
export const REPORT_KEY_ORDER = {
  result: keyOrder<ConformanceResult>()([
    'verdict',
    'complete',
    'incompleteReason',
    'summary',
    'target',
    'spec',
    'pacts',
    'startedAt',
    'finishedAt',
    'probing',
    'checks',
    'exchanges',
    'specMatrix',
    'projectKeys',
  ]),
  probing: keyOrder<Probing>()([
    'seed',
    'probes',
    'sent',
    'answered',
    'rateLimited',
    'shrinkRequests',
    'replay',
    'failures',
  ]),
  probeFailure: keyOrder<ProbeFailure>()([
    'rule',
    'method',
    'path',
    'headers',
    'auth',
    'status',
    'message',
    'probe',
    'shrinks',
  ]),
  summary: keyOrder<ConformanceSummary>()(['passed', 'failed', 'warnings', 'skipped', 'notes']),
  target: keyOrder<ConformanceResult['target']>()(['baseUrl', 'reference']),
  spec: keyOrder<ConformanceResult['spec']>()(['path', 'version', 'sha256']),
  pact: keyOrder<PactRecord>()([
    'id',
    'path',
    'sha256',
    'consumer',
    'provider',
    'consumerVersion',
    'url',
    'pending',
    'wip',
    'selectedBecause',
    'notices',
    'publication',
  ]),
  publication: keyOrder<PactPublication>()([
    'published',
    'success',
    'providerVersion',
    'providerBranch',
    'url',
    'error',
  ]),
  check: keyOrder<CheckResult>()([
    'name',
    'category',
    'status',
    'findings',
    'durationMs',
    'skipReason',
    'attempts',
    'exchangeIds',
    'pact',
    'tally',
  ]),
  tally: keyOrder<CheckTally>()(['unit', 'judged', 'failed', 'warned', 'skipped', 'findings']),
  finding: keyOrder<Finding>()(['pointer', 'message', 'severity', 'keyword']),
  exchange: keyOrder<Exchange>()([
    'id',
    'check',
    'request',
    'response',
    'attempts',
    'durationMs',
    'error',
    'note',
    'secretEchoes',
  ]),
  request: keyOrder<ExchangeRequest>()(['method', 'url', 'headers']),
  response: keyOrder<ExchangeResponse>()(['status', 'headers', 'bodyExcerpt', 'bodyBytes', 'truncated']),
  attempt: keyOrder<Attempt>()(['startedAt', 'durationMs', 'status', 'error', 'waitMs']),
  specMatrix: keyOrder<SpecMatrix>()(['keys', 'rows']),
  matrixRow: keyOrder<SpecMatrixRow>()(['spec', 'verdict', 'cells']),
  matrixSpec: keyOrder<SpecMatrixRow['spec']>()(['path', 'openapi', 'version', 'sha256']),
  matrixCell: keyOrder<SpecMatrixCell>()(['key', 'conforms', 'errors', 'warnings', 'pointers']),
  projectKeys: keyOrder<ProjectKeys>()(['projectId', 'list', 'ids', 'discovery', 'sweep']),
  keyList: keyOrder<ProjectKeys['list']>()(['operation', 'document', 'note']),
  keyId: keyOrder<KeyIdRecord>()(['state', 'id', 'source', 'detail']),
  discovery: keyOrder<NonNullable<ProjectKeys['discovery']>>()(['pages', 'keysRead']),
  sweep: keyOrder<SweepRecord>()([
    'maxKeys',
    'concurrency',
    'pages',
    'listed',
    'retrieved',
    'failedKeys',
    'durationMs',
    'keysPerSecond',
    'stoppedBecause',
    'exchangesNotKept',
  ]),
} as const;

type Shape = keyof typeof REPORT_KEY_ORDER | 'headers';

/** Which shape each object-valued key holds; anything unknown keeps its own order. */
const NESTED: Partial<Record<Shape, Record<string, Shape>>> = {
  result: {
    summary: 'summary',
    target: 'target',
    spec: 'spec',
    pacts: 'pact',
    checks: 'check',
    exchanges: 'exchange',
    specMatrix: 'specMatrix',
    probing: 'probing',
    projectKeys: 'projectKeys',
  },
  probing: { failures: 'probeFailure' },
  projectKeys: { list: 'keyList', ids: 'keyId', discovery: 'discovery', sweep: 'sweep' },
  pact: { publication: 'publication' },
  specMatrix: { rows: 'matrixRow' },
  matrixRow: { spec: 'matrixSpec', cells: 'matrixCell' },
  check: { findings: 'finding', tally: 'tally' },
  exchange: { request: 'request', response: 'response', attempts: 'attempt' },
  request: { headers: 'headers' },
  response: { headers: 'headers' },
};

/** Known keys first in the model's order, then any key a newer producer added, as it came. */
const ordered = (value: unknown, shape: Shape): unknown => {
  if (Array.isArray(value)) return value.map((item) => ordered(item, shape));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  // Header names have no model order; sorted, two runs against the same target diff cleanly.
  if (shape === 'headers')
    return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
  const known: readonly string[] = REPORT_KEY_ORDER[shape];
  const keys = [
    ...known.filter((k) => k in record),
    ...Object.keys(record).filter((k) => !known.includes(k)),
  ];
  const nested = NESTED[shape] ?? {};
  return Object.fromEntries(
    keys.map((k) => {
      const inner = nested[k];
      return [k, inner ? ordered(record[k], inner) : record[k]];
    }),
  );
};

/** `conformance.json`: the result as given, keys in the model's order, 2-space indent. */
export const renderJson = (result: ConformanceResult): string =>
  `${JSON.stringify(ordered(boundResult(result), 'result'), null, 2)}\n`;
