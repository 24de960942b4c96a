import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { ProjectApiKeyClient, TransportError } from '../client.ts';
import { checkPactAgainstSpec } from '../contract/pact-spec.ts';
import {
  EXAMPLE_ADMIN_KEY,
  EXAMPLE_PARAMS,
  type StateKey,
  type StateParams,
  type StateSetup,
  stateKeyOf,
} from '../contract/states.ts';
import { injectAdminKey, verifyPact } from '../contract/verify.ts';
import type { Finding } from '../finding.ts';
import { type ReferenceProviderOptions, startReferenceProvider } from '../provider/index.ts';
import { redactDeep } from '../redact.ts';
import { loadDocument } from '../spec/document.ts';
import { lintExamples } from '../spec/lint.ts';
import { validatorsFor } from '../spec/validators.ts';
import { type TransportPolicy, worstCaseMs } from '../transport/policy.ts';
import { ExchangeRecorder } from '../transport/recorder.ts';
import { createTransport, type Transport } from '../transport/transport.ts';
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
import {
  type ConformanceResult,
  type Exchange,
  statusOf,
  summarize,
  targetWasChecked,
  verdictOf,
} from './result.ts';
import { ownerKinds } from './semantic.ts';
import { type MatrixBody, matrixBodyOf, matrixDocumentOf, specMatrix } from './spec-matrix.ts';

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

/** Paths in reports are relative to where the run started, so reports read the same on every machine. */
const displayPath = (path: string): string => {
  const relativePath = relative(process.cwd(), path);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
};

/** How many attempts a check's exchanges took (the most any one needed) and which exchanges they were. */
const attemptsOf = (exchanges: readonly Exchange[]) => ({
  attempts: Math.max(1, ...exchanges.map((e) => e.attempts.length)),
  exchangeIds: exchanges.map((e) => e.id),
});

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
  // --also-spec: the documents of the matrix, --spec first; loaded now so a bad one fails before any traffic.
  const matrixDocuments = [spec, ...config.alsoSpecPaths.map((path) => loadDocument(path))].map((loaded, i) =>
    matrixDocumentOf(loaded, validatorsFor(loaded.document), {
      displayPath: displayPath(loaded.path),
      verdict: i === 0,
    }),
  );
  const matrixBodies: MatrixBody[] = [];
  const collector = new CheckCollector();
  const recorder = new ExchangeRecorder();
  const startedAt = new Date().toISOString();
  // Everything that must never reach a report: the admin key, keys a provider leaked.
  const secrets: string[] = config.adminKey ? [config.adminKey] : [];
  let baseUrl = config.baseUrl ?? 'reference provider (not started)';

  const contractChecks = async () => {
    await collector.timed(() => {
      const findings = checkPactAgainstSpec(pact, spec.document, validators);
      return [
        {
          name: 'pact interactions are documented by the spec',
          category: 'contract',
          status: statusOf(findings),
          findings,
        },
      ];
    });
    await collector.timed(() => {
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
          name: "the spec's own examples validate against their schemas",
          category: 'contract',
          status: statusOf(findings),
          findings,
        },
      ];
    });
  };

  const execute = async () => {
    await contractChecks();
    if (environment.signal?.aborted) return;

    let adminKey = config.adminKey ?? '';
    let stateSetup: StateSetup;
    let stopProvider: (() => Promise<void>) | undefined;
    if (config.baseUrl) {
      stateSetup = targetStateSetup(config.ids);
    } else {
      adminKey = `sk-admin-reference-${randomBytes(16).toString('hex')}`;
      secrets.push(adminKey);
      const provider = await startReferenceProvider({
        adminKey,
        shape: config.referenceShape,
        ...environment.reference,
      });
      stopProvider = () => provider.close();
      stateSetup = provider.stateSetup;
      baseUrl = provider.url;
      log(`started the reference provider at ${provider.url}`);
    }
    const transport = createTransport(
      { ...environment.policy, timeoutMs: config.timeoutMs, retries: config.retries },
      { recorder, secrets },
    );

    // Pact's requests go through the same policy; each is labelled with the state being verified.
    let currentState = '';
    const labelledSetup: StateSetup = (key, params) => {
      currentState = key;
      return stateSetup(key, params);
    };
    const pactFetch: typeof fetch = (input, init) =>
      recorder.withCheck(`pact:${currentState}`, () => transport.fetch(input, init));
    try {
      log(`verifying ${config.pactPath} against ${baseUrl}`);
      await collector.timed(async () => {
        const outcomes = await verifyPact({
          pactPath: config.pactPath,
          providerBaseUrl: baseUrl,
          stateSetup: labelledSetup,
          requestFilter: injectAdminKey(EXAMPLE_ADMIN_KEY, adminKey),
          fetch: pactFetch,
          timeoutMs: worstCaseMs(transport.policy),
        });
        return outcomes.map((outcome) => {
          const key = outcome.state ? stateKeyOf(outcome.state) : undefined;
          const exchanges = key ? recorder.exchangesOf(`pact:${key}`) : [];
          return {
            name: outcome.description,
            category: 'pact' as const,
            status: outcome.status,
            findings: outcome.findings,
            ...(outcome.status === 'skip'
              ? {
                  skipReason:
                    key && config.baseUrl
                      ? SKIP_REASONS[key]
                      : (outcome.reason ?? 'the provider state could not be set up'),
                }
              : {}),
            ...attemptsOf(exchanges),
          };
        });
      });
      if (environment.signal?.aborted) return;
      await liveChecks(adminKey, stateSetup, transport);
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
    transport: Transport,
    params: StateParams,
    bearer: string,
    label: string,
  ): Promise<LiveOutcome> => {
    // The client's own deadline covers every attempt the policy may make.
    const client = new ProjectApiKeyClient({
      baseUrl,
      adminKey: bearer,
      fetch: transport.fetch,
      timeoutMs: worstCaseMs(transport.policy),
    });
    try {
      const response = await recorder.withCheck(label, () => client.exchange(params.projectId, params.keyId));
      return { kind: 'response', ...response, ...attemptsOf(recorder.exchangesOf(label)) };
    } catch (error) {
      const message = error instanceof TransportError ? error.causeMessage : (error as Error).message;
      return { kind: 'failure', message, ...attemptsOf(recorder.exchangesOf(label)) };
    }
  };

  const liveChecks = async (adminKey: string, stateSetup: StateSetup, transport: Transport) => {
    for (const key of ['userKey', 'serviceAccountKey', 'unknownKey', 'invalidAdminKey'] as const) {
      if (environment.signal?.aborted) return;
      const label = `live:${key}`;
      const params = await stateSetup(key, EXAMPLE_PARAMS[key]);
      if (!params) {
        collector.add({
          name: `${STATE_LABELS[key]}: live request`,
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
          return checkInvalidAdminKey(await liveRequest(transport, params, bearer, label));
        }
        const outcome = await liveRequest(transport, params, adminKey, label);
        if (key === 'unknownKey') return checkUnknownKey(outcome);
        const matrixBody = outcome.kind === 'response' && matrixBodyOf(STATE_LABELS[key], outcome);
        if (matrixBody) matrixBodies.push(matrixBody);
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
      (unreachable ? `target could not be reached: ${exchanges[0]?.error ?? 'no response'}` : undefined) ??
      (complete && !targetWasChecked(checks)
        ? 'nothing was verified against the target: give --project-id and the key ids'
        : undefined);
    const raw: ConformanceResult = {
      verdict: verdictOf(checks, complete),
      complete,
      ...(reason ? { incompleteReason: reason } : {}),
      summary: summarize(checks),
      target: { baseUrl, reference: config.baseUrl === undefined },
      spec: { path: displayPath(config.specPath), version: spec.document.info.version, sha256: spec.sha256 },
      pact: { path: displayPath(config.pactPath), sha256: pactSha256 },
      startedAt,
      finishedAt: new Date().toISOString(),
      checks,
      exchanges: [...exchanges],
      ...(config.alsoSpecPaths.length > 0
        ? { specMatrix: specMatrix(matrixDocuments, matrixBodies, { strict: config.strict }) }
        : {}),
    };
    return redactDeep(raw, secrets);
  };

  return { execute, result };
};
