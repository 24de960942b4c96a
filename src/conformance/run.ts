import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ProjectApiKeyClient } from '../client.ts';
import { checkPactAgainstSpec } from '../contract/pact-spec.ts';
import {
  EXAMPLE_ADMIN_KEY,
  EXAMPLE_PARAMS,
  type StateKey,
  type StateParams,
  type StateSetup,
} from '../contract/states.ts';
import { verifyPact } from '../contract/verify.ts';
import type { Finding } from '../finding.ts';
import { type ReferenceProviderOptions, startReferenceProvider } from '../provider/index.ts';
import { redactDeep } from '../redact.ts';
import { loadDocument } from '../spec/document.ts';
import { lintExamples } from '../spec/lint.ts';
import { validatorsFor } from '../spec/validators.ts';
import type { TransportPolicy } from '../transport/policy.ts';
import { startForwardingProxy } from '../transport/proxy.ts';
import { ExchangeRecorder } from '../transport/recorder.ts';
import { createTransport } from '../transport/transport.ts';
import { CheckCollector } from './collector.ts';
import type { RunConfig } from './config.ts';
import {
  checkInvalidAdminKey,
  checkRetrievedKey,
  checkUnknownKey,
  type LiveContext,
  type LiveOutcome,
  STATE_LABELS,
} from './live.ts';
import { type ConformanceResult, statusOf, summarize, verdictOf } from './result.ts';
import { ownerKinds } from './semantic.ts';

/** What the run needs from its surroundings, so tests can drive it in-process. */
export interface RunEnvironment {
  /** Aborted on SIGINT/SIGTERM: the run stops starting new work. */
  signal?: AbortSignal;
  /** Progress lines for the console (already redacted by the caller's writer). */
  log?: (line: string) => void;
  /** Options for the reference provider when no --base-url is given. */
  reference?: Omit<ReferenceProviderOptions, 'adminKey'>;
  /** Transport policy beyond --timeout and --retries: backoff, Retry-After cap, body size cap. */
  policy?: Partial<TransportPolicy>;
}

/** A pact file that cannot be read or parsed: the person's configuration, exit 2. */
export class PactFileError extends Error {
  override name = 'PactFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot use pact ${path}: ${reason}`);
  }
}

const loadPact = (path: string): { pact: unknown; sha256: string } => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PactFileError(path, (error as NodeJS.ErrnoException).code ?? 'unreadable');
  }
  try {
    const pact = JSON.parse(text) as { interactions?: unknown };
    if (!Array.isArray(pact.interactions)) throw new Error('no interactions array');
    return { pact, sha256: createHash('sha256').update(text).digest('hex') };
  } catch (error) {
    throw new PactFileError(path, `not a pact file (${(error as Error).message})`);
  }
};

/** An id no provider can have: the unknown-key state must not collide with a real key. */
const impossibleKeyId = () => `key_conformance_absent_${randomBytes(6).toString('hex')}`;

/** Maps each provider state to ids on a deployment we do not control; missing ids skip the state. */
export const targetStateSetup = (ids: RunConfig['ids']): StateSetup => {
  const project = ids.projectId;
  return (key: StateKey): StateParams | undefined => {
    switch (key) {
      case 'userKey':
        return project && ids.userKeyId ? { projectId: project, keyId: ids.userKeyId } : undefined;
      case 'serviceAccountKey':
        return project && ids.serviceAccountKeyId
          ? { projectId: project, keyId: ids.serviceAccountKeyId }
          : undefined;
      case 'unknownKey':
        return project ? { projectId: project, keyId: impossibleKeyId() } : undefined;
      case 'invalidAdminKey':
        return project
          ? { projectId: project, keyId: ids.userKeyId ?? ids.serviceAccountKeyId ?? impossibleKeyId() }
          : undefined;
    }
  };
};

const SKIP_REASONS: Record<StateKey, string> = {
  userKey: 'no --project-id and --user-key-id given for a key owned by a user',
  serviceAccountKey:
    'no --project-id and --service-account-key-id given for a key owned by a service account',
  unknownKey: 'no --project-id given',
  invalidAdminKey: 'no --project-id given',
};

/** The pact's placeholder bearer becomes the real admin key on the way to the target; nothing else does. */
const injectAdminKey =
  (adminKey: string) =>
  (headers: Record<string, string>): Record<string, string> =>
    headers.authorization === `Bearer ${EXAMPLE_ADMIN_KEY}`
      ? { ...headers, authorization: `Bearer ${adminKey}` }
      : headers;

/** A key that is not the admin key, for the invalid-key state's live request. */
const invalidAdminKey = () => `sk-admin-conformance-invalid-${randomBytes(4).toString('hex')}`;

export interface ConformanceRun {
  /** Does the work; resolves when every check has run. */
  execute(): Promise<void>;
  /** The result from what has been gathered so far: complete after execute(), partial on interrupt. */
  result(complete: boolean, incompleteReason?: string): ConformanceResult;
}

/**
 * Prepares a run: reads the spec and the pact now, so bad configuration fails before any traffic
 * (SpecError, PactFileError), then execute() verifies the target and gathers checks.
 */
export const createConformanceRun = (config: RunConfig, environment: RunEnvironment = {}): ConformanceRun => {
  const log = environment.log ?? (() => {});
  const spec = loadDocument(config.specPath);
  const { pact, sha256: pactSha256 } = loadPact(config.pactPath);
  const validators = validatorsFor(spec.document);
  const collector = new CheckCollector();
  const recorder = new ExchangeRecorder();
  const startedAt = new Date().toISOString();
  // Everything that must never reach a report: the admin key, keys a provider leaked.
  const secrets: string[] = config.adminKey ? [config.adminKey] : [];
  let baseUrl = config.baseUrl ?? 'reference provider (not started)';

  const contractChecks = () => {
    collector.timed(() => {
      const findings = checkPactAgainstSpec(pact, spec.document, validators);
      return [
        {
          name: 'contract: pact interactions are documented by the spec',
          category: 'contract',
          status: statusOf(findings),
          findings,
        },
      ];
    });
    collector.timed(() => {
      // The document's own examples are the spec's defects, not the target's: reported, never failing the run.
      const findings: Finding[] = lintExamples(spec.document, validators).flatMap((lint) =>
        lint.findings.map((f) => ({
          ...f,
          severity: 'warning' as const,
          pointer: `${lint.location}${f.pointer}`,
          message: `example ${lint.component}: ${f.message}`,
        })),
      );
      return [
        {
          name: 'contract: examples in the spec validate against their schemas',
          category: 'contract',
          status: statusOf(findings),
          findings,
        },
      ];
    });
  };

  const execute = async () => {
    contractChecks();
    if (environment.signal?.aborted) return;

    let adminKey = config.adminKey ?? '';
    let stateSetup: StateSetup;
    let stopProvider: (() => Promise<void>) | undefined;
    if (config.baseUrl) {
      stateSetup = targetStateSetup(config.ids);
    } else {
      adminKey = `sk-admin-reference-${randomBytes(16).toString('hex')}`;
      secrets.push(adminKey);
      const provider = await startReferenceProvider({ adminKey, ...environment.reference });
      stopProvider = () => provider.close();
      stateSetup = provider.stateSetup;
      baseUrl = provider.url;
      log(`started the reference provider at ${provider.url}`);
    }
    const transport = createTransport(
      { ...environment.policy, timeoutMs: config.timeoutMs, retries: config.retries },
      { recorder, secrets },
    );

    let currentState = '';
    const labelledSetup: StateSetup = (key, params) => {
      currentState = key;
      return stateSetup(key, params);
    };
    try {
      const proxy = await startForwardingProxy({
        target: baseUrl,
        transport,
        rewriteRequestHeaders: injectAdminKey(adminKey),
        label: () => `pact:${currentState}`,
      });
      try {
        log(`verifying ${config.pactPath} against ${baseUrl}`);
        await collector.timed(async () => {
          const outcomes = await verifyPact({
            pactPath: config.pactPath,
            providerBaseUrl: proxy.url,
            stateSetup: labelledSetup,
            timeoutMs: config.timeoutMs,
          });
          return outcomes.map((outcome) => ({
            name: `pact: ${outcome.description}`,
            category: 'pact' as const,
            status: outcome.status,
            findings: outcome.findings,
            ...(outcome.status === 'skip'
              ? { skipReason: outcome.skipReason ?? 'provider state could not be set up' }
              : {}),
          }));
        });
      } finally {
        await proxy.close();
      }
      if (environment.signal?.aborted) return;
      await liveChecks({ baseUrl, adminKey, stateSetup, transport });
    } finally {
      await stopProvider?.();
    }
  };

  const liveContext: LiveContext = {
    validators,
    ownerKinds: ownerKinds(spec.document),
    strict: config.strict,
    secrets,
  };

  /** One GET through the transport policy, as the client sends it, turned into a LiveOutcome. */
  const liveRequest = async (
    transport: ReturnType<typeof createTransport>,
    target: string,
    params: StateParams,
    bearer: string,
    label: string,
  ): Promise<LiveOutcome> => {
    const first = recorder.exchanges().length;
    const client = new ProjectApiKeyClient({
      baseUrl: target,
      adminKey: bearer,
      fetch: transport.fetch,
      timeoutMs: config.timeoutMs,
    });
    const outcome = await recorder.withCheck(label, () => client.fetchRaw(params.projectId, params.keyId));
    const exchanges = recorder.exchanges().slice(first);
    const attempts = Math.max(1, ...exchanges.map((e) => e.attempts.length));
    const exchangeIds = exchanges.map((e) => e.id);
    if (outcome.kind === 'failure')
      return { kind: 'failure', message: outcome.message, attempts, exchangeIds };
    return {
      kind: 'response',
      status: outcome.status,
      headers: outcome.headers,
      text: outcome.text,
      attempts,
      exchangeIds,
    };
  };

  const liveChecks = async ({
    baseUrl: target,
    adminKey,
    stateSetup,
    transport,
  }: {
    baseUrl: string;
    adminKey: string;
    stateSetup: StateSetup;
    transport: ReturnType<typeof createTransport>;
  }) => {
    for (const key of ['userKey', 'serviceAccountKey', 'unknownKey', 'invalidAdminKey'] as const) {
      if (environment.signal?.aborted) return;
      const label = `live:${key}`;
      const params = await stateSetup(key, EXAMPLE_PARAMS[key]);
      if (!params) {
        collector.add({
          name: `live: ${STATE_LABELS[key]}`,
          category: 'transport',
          status: 'skip',
          findings: [],
          durationMs: 0,
          skipReason: SKIP_REASONS[key],
        });
        continue;
      }
      await collector.timed(async () => {
        if (key === 'invalidAdminKey') {
          const bearer = invalidAdminKey();
          secrets.push(bearer);
          return checkInvalidAdminKey(await liveRequest(transport, target, params, bearer, label));
        }
        const outcome = await liveRequest(transport, target, params, adminKey, label);
        if (key === 'unknownKey') return checkUnknownKey(outcome);
        const drafts = checkRetrievedKey(key, params.keyId, outcome, liveContext);
        rememberLeakedKey(outcome, drafts);
        return drafts;
      });
    }
  };

  /** A whole key found in redacted_value is kept out of every report, like the admin key. */
  const rememberLeakedKey = (outcome: LiveOutcome, drafts: { findings: Finding[] }[]) => {
    if (outcome.kind !== 'response') return;
    if (!drafts.some((d) => d.findings.some((f) => f.keyword === 'redaction' && f.severity === 'error')))
      return;
    const value = (JSON.parse(outcome.text) as { redacted_value?: unknown }).redacted_value;
    if (typeof value === 'string') secrets.push(value);
  };

  const result = (complete: boolean, incompleteReason?: string): ConformanceResult => {
    const checks = [...collector.checks];
    const exchanges = recorder.exchanges();
    const unreachable = exchanges.length > 0 && exchanges.every((e) => !e.response);
    const reason =
      incompleteReason ??
      (unreachable ? `target could not be reached: ${exchanges[0]?.error ?? 'no response'}` : undefined);
    const raw: ConformanceResult = {
      verdict: verdictOf(checks, complete),
      complete,
      ...(reason ? { incompleteReason: reason } : {}),
      summary: summarize(checks),
      target: { baseUrl, reference: config.baseUrl === undefined },
      spec: { path: config.specPath, version: spec.document.info.version, sha256: spec.sha256 },
      pact: { path: config.pactPath, sha256: pactSha256 },
      startedAt,
      finishedAt: new Date().toISOString(),
      checks,
      exchanges,
    };
    return redactDeep(raw, secrets);
  };

  return { execute, result };
};
