import type { LoadedPact } from '../contract/pact.ts';
import type { StateAnswer, VerifyProgress, VerifyTarget } from '../contract/verify.ts';
import { DEFAULT_SPEC_PATH } from '../openapi/default-path.ts';
import {
  LIST_STATES,
  STATE_KEYS,
  STATE_LABELS,
  type StateKey,
  type StateParams,
  stateKeyOf,
} from '../provider-states.ts';
import type { ConformanceResult, KeyIdRecord, Probing } from '../report/result.ts';
import { resolvePolicy, type TransportPolicy, worstCaseMs } from '../transport/policy.ts';
import { ExchangeRecorder } from '../transport/recorder.ts';
import type { Transport } from '../transport/transport.ts';
import { CheckCollector } from './collector.ts';
import type { RunConfig } from './config.ts';
import { PROBE_CONCURRENCY, probeRequestBound, probeSerialBound, SHRINK_BUDGET } from './probe-bounds.ts';
import { keyIdRecordsOf, needsDiscovery, needsList, projectKeysOf } from './project-keys.ts';
import type { MatrixBody, MatrixDocument } from './spec-matrix.ts';
import type { LoadedOpenApi } from './stages/compile.ts';
import type { CheckDraft } from './stages/contract.ts';
import type { Discovery } from './stages/discover.ts';
import type { ListSource } from './stages/list-source.ts';
import { loadRunPacts } from './stages/pacts.ts';
import { buildResult, displayPath } from './stages/result.ts';
import type { Sweep } from './stages/sweep.ts';
import { exchangeLabel, type VerifiedPact, verifyStage } from './stages/verify.ts';
import { type ReferenceOptions, type RunTarget, startTarget, withIds } from './target.ts';

// A conformance run as a pipeline of named stages: load → contract checks → verify → live checks →
// probes → result. Each stage is a function of its own (src/conformance/stages/); this file only wires them and
// owns the run's resources (the target, the transport, the verifier started early). The verifier
// starts before the YAML parser, the validators, the checks and the transport are even loaded: they load
// while it starts.

/** What the run needs from its surroundings, so tests can drive it in-process. */
export interface RunEnvironment {
  /** Aborted on SIGINT/SIGTERM or at the deadline: the run stops, its requests and its verifier with it. */
  signal?: AbortSignal;
  /** Progress lines for the console (already redacted by the caller's writer). */
  log?: (line: string) => void;
  /** Options for the reference provider when no --base-url is given. */
  reference?: ReferenceOptions;
  /** Transport policy beyond --timeout and --retries: backoff, Retry-After cap, body size cap. */
  policy?: Partial<Omit<TransportPolicy, 'timeoutMs' | 'retries'>>;
  /** How often a long sweep says how far it is (default every 5 s). */
  sweepProgressEveryMs?: number;
}

export interface ConformanceRun {
  /** Does the work; resolves when every check has run (or the signal stopped it). */
  execute(): Promise<void>;
  /** The result from what has been gathered so far: complete after execute(), partial on interrupt. */
  result(complete: boolean, incompleteReason?: string): ConformanceResult;
  /**
   * What no output may show, as known so far: the admin key, the reference provider's key, the probe key,
   * whole keys the target leaked. The writer of reports and console redacts them (report/write.ts).
   */
  secrets(): readonly string[];
}

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => {}); // a run that stops before its target is ready rejects it; nobody must wait
  return { promise, resolve, reject };
};

/** The matrix's rows: the verdict's document (already compiled), then each --also-spec document. */
const matrixDocumentsOf = async (
  openapi: LoadedOpenApi,
  paths: readonly string[],
  matrix: typeof import('./spec-matrix.ts'),
): Promise<MatrixDocument[]> => {
  const [{ loadDocument }, { validatorsFor }] = await Promise.all([
    import('../openapi/document.ts'),
    import('../openapi/validators.ts'),
  ]);
  const others = paths.map((path) => loadDocument(path));
  return [
    matrix.matrixDocumentOf(openapi.spec, openapi.validators, {
      displayPath: displayPath(openapi.spec.path),
      verdict: true,
    }),
    ...others.map((other) =>
      matrix.matrixDocumentOf(other, validatorsFor(other.document, other.sha256, other.path), {
        displayPath: displayPath(other.path),
        verdict: false,
      }),
    ),
  ];
};

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** What discovery and --sweep may add to a run: list pages and retrieves, and how many at a time. */
export interface ListingWorstCase {
  /** Requests one after another (discovery's pages). */
  serial: number;
  /** The sweep's list pages and retrieves, `concurrency` at a time. */
  sweep: number;
  concurrency: number;
}

/**
 * The worst case up front: every request timing out on every attempt, every wait at its longest. The
 * probes count too: they go a few at a time, and shrinking a failure sends up to its budget one by one;
 * so do discovery's pages and the sweep's pages and retrieves, the sweep's --concurrency at a time.
 */
export const worstCaseLine = (
  requests: number,
  policy: TransportPolicy,
  maxTimeMs: number,
  probes = 0,
  listing: ListingWorstCase = { serial: 0, sweep: 0, concurrency: 1 },
): string => {
  const each = worstCaseMs(policy);
  const total = requests + probeRequestBound(probes) + listing.serial + listing.sweep;
  const rounds =
    requests + probeSerialBound(probes) + listing.serial + Math.ceil(listing.sweep / listing.concurrency);
  const parts = [
    `${requests} for the provider states`,
    ...(probes > 0
      ? [`${probes} probes ${PROBE_CONCURRENCY} at a time, up to ${SHRINK_BUDGET} more to shrink failures`]
      : []),
    ...(listing.serial > 0 ? [`up to ${listing.serial} list pages for discovery`] : []),
    ...(listing.sweep > 0 ? [`up to ${listing.sweep} for the sweep, ${listing.concurrency} at a time`] : []),
  ];
  const detail = parts.length > 1 ? ` (${parts.join(', ')})` : '';
  return (
    `worst case ${seconds(rounds * each)}: ${total} requests${detail} of up to ${seconds(each)} each ` +
    `(--timeout ${policy.timeoutMs} ms, --retries ${policy.retries}); --max-time stops the run at ${seconds(maxTimeMs)}`
  );
};

/**
 * The provider states' requests: per pact, one for each state it names (the gateway sends one per state)
 * and one for each retrieve state it does not (the live checks ask those themselves).
 */
function stateRequests(pacts: readonly LoadedPact[]): number {
  return pacts.reduce((sum, pact) => {
    const states = new Set(STATE_KEYS.filter((key) => !LIST_STATES.includes(key)));
    for (const { state } of pact.interactions) {
      const key = state === undefined ? undefined : stateKeyOf(state);
      if (key !== undefined) states.add(key);
    }
    return sum + states.size;
  }, 0);
}

/** Discovery's and the sweep's requests at most: --max-keys entries at the largest page, pages to spare. */
function listingWorstCase(config: RunConfig): ListingWorstCase {
  const pages = Math.ceil(config.maxKeys / Math.min(100, config.maxKeys)) + 1;
  return {
    serial: needsDiscovery(config) ? pages : 0,
    sweep: config.sweep ? pages + config.maxKeys : 0,
    concurrency: config.concurrency,
  };
}

/** The probing a run records before (or without) its probe stage: the seed, nothing sent. */
export const noProbing = (config: Pick<RunConfig, 'seed' | 'probes'>): Probing => ({
  seed: config.seed,
  probes: config.probes,
  sent: 0,
  answered: 0,
  rateLimited: 0,
  shrinkRequests: 0,
  replay: `--seed ${config.seed} --probes ${config.probes}`,
  failures: [],
});

const answerLine = (answer: StateAnswer): string =>
  answer.kind === 'response' ? `${answer.status}` : `no answer: ${answer.message}`;

const tally = (checks: readonly CheckDraft[]): string => {
  const count = (status: CheckDraft['status']) => checks.filter((c) => c.status === status).length;
  // A pact's interactions may pass with notes about the pact (a header not sent): counted, so none is lost.
  const notes = count('note') > 0 ? `, ${count('note')} with notes` : '';
  return `${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warned, ${count('skip')} skipped${notes}`;
};

/**
 * Prepares a run: loads and validates the pacts, starts the verifier on the first one (it waits for
 * the target), then loads the document and runs the contract checks while the verifier starts up, so
 * bad configuration fails before any traffic (PactFileError, SpecError). execute() runs the rest.
 */
export const prepareConformanceRun = async (
  config: RunConfig,
  environment: RunEnvironment = {},
): Promise<ConformanceRun> => {
  const startedAt = new Date().toISOString();
  const log = environment.log ?? (() => {});
  const policy = resolvePolicy({
    ...environment.policy,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
  });
  // Whatever the verifier waits for, the gateway answers first: one exchange, same-origin redirects included.
  const requestTimeoutMs = (policy.maxRedirects + 1) * worstCaseMs(policy) + 1000;
  const stop = new AbortController();
  const signal = environment.signal ? AbortSignal.any([environment.signal, stop.signal]) : stop.signal;
  const collector = new CheckCollector();
  const recorder = new ExchangeRecorder();
  const secrets: string[] = config.adminKey ? [config.adminKey] : [];

  // Stage 1 (load), with stage 3 (verify) of the first pact started in the middle of it.
  const pacts = loadRunPacts(config);
  const firstTarget = deferred<VerifyTarget>();
  const first = pacts[0] as LoadedPact;
  const firstStarted = performance.now();
  let verifierStarted!: () => void;
  const started = new Promise<void>((resolve) => {
    verifierStarted = resolve;
  });
  const firstVerification = verifyStage(first, {
    target: firstTarget.promise,
    recorder,
    requestTimeoutMs,
    signal,
    onStarted: verifierStarted,
  });
  firstVerification.catch(() => {}); // awaited in execute; a run stopped before that must not leave it unhandled
  // The rest of stage 1 and stage 2 load and run while the verifier starts up in its own process.
  let loaded: LoadedOpenApi;
  let liveStage: typeof import('./stages/live.ts').liveStage;
  let createTransport: typeof import('../transport/transport.ts').createTransport;
  // --also-spec: the matrix's documents, --spec first; bodies join as the live checks see them.
  let matrixDocuments: MatrixDocument[] = [];
  let matrixOf: typeof import('./spec-matrix.ts') | undefined;
  const matrixBodies: MatrixBody[] = [];
  try {
    // Nothing more until the verifier's process is spawned, so it starts up while the rest loads (bundled,
    // the imports below settle before its gateway listens). One that cannot start (no pact CLI) fails here.
    await Promise.race([started, firstVerification]);
    const [{ loadSpec }, { compileOpenApi }, contract, live, transport] = await Promise.all([
      import('./stages/load.ts'),
      import('./stages/compile.ts'),
      import('./stages/contract.ts'),
      import('./stages/live.ts'),
      import('../transport/transport.ts'),
    ]);
    liveStage = live.liveStage;
    createTransport = transport.createTransport;
    loaded = compileOpenApi(loadSpec(config));
    const openapi = loaded;
    if (config.alsoSpecPaths.length > 0) {
      // Loaded before any traffic, so a bad document is exit 2 with nothing sent.
      matrixOf = await import('./spec-matrix.ts');
      matrixDocuments = await matrixDocumentsOf(openapi, config.alsoSpecPaths, matrixOf);
    }
    await collector.timed(() => contract.checkPactsAgainstSpec(openapi, pacts));
    await collector.timed(() => [contract.lintSpecExamples(openapi)]);
  } catch (error) {
    stop.abort(error);
    firstTarget.reject(error);
    throw error;
  }
  log(`seed ${config.seed}: the same seed, flags and target send the same requests (--seed ${config.seed})`);
  log(worstCaseLine(stateRequests(pacts), policy, config.maxTimeMs, config.probes, listingWorstCase(config)));
  let probing = noProbing(config);
  // Discovery, --sweep and a pact's list state read the list: with --spec's list operation, or today's.
  const listSource: ListSource | undefined = needsList(config, pacts)
    ? (await import('./stages/list-source.ts')).listSourceOf(loaded)
    : undefined;

  let target: RunTarget | undefined;
  let discovery: Discovery | undefined;
  let sweep: Sweep | undefined;

  const progress = (event: VerifyProgress) => {
    const label = STATE_LABELS[event.state];
    if (event.kind === 'request') log(`  ${label}: ${event.method} ${event.url}`);
    else log(`  ${label}: ${answerLine(event.answer)} (${event.durationMs} ms)`);
  };

  const verifyTargetFor = (pact: LoadedPact, running: RunTarget, transport: Transport): VerifyTarget => ({
    baseUrl: running.baseUrl,
    operation: loaded.operation,
    ...(listSource && { listPath: listSource.operation.path }),
    stateSetup: running.stateSetup,
    transport,
    adminKey: running.adminKey,
    invalidAdminKey: running.probes.invalidAdminKey,
    labelOf: (key) => exchangeLabel(pact.id, key),
    onProgress: progress,
  });

  /** A state's request as the client sends it, for a state no pact interaction exercised. */
  const clientRequest =
    (running: RunTarget, transport: Transport) =>
    async (key: StateKey, params: StateParams, label: string): Promise<StateAnswer> => {
      const { ProjectApiKeyClient, NoResponseError } = await import('../client.ts');
      const client = new ProjectApiKeyClient({
        baseUrl: running.baseUrl,
        adminKey: key === 'invalidAdminKey' ? running.probes.invalidAdminKey : running.adminKey,
        fetch: transport.fetch,
        timeoutMs: requestTimeoutMs,
        signal,
        path: loaded.operation.path,
      });
      log(`  ${STATE_LABELS[key]}: GET ${client.urlOf(params.projectId, params.keyId)}`);
      try {
        const response = await recorder.withCheck(label, () =>
          client.exchange(params.projectId, params.keyId),
        );
        return { kind: 'response', ...response };
      } catch (error) {
        if (error instanceof NoResponseError) return { kind: 'failure', message: error.message };
        throw error;
      }
    };

  /** The client the list's readers use: the run's transport, the document's paths, the list's operation. */
  const listClient = async (running: RunTarget, transport: Transport, source: ListSource) => {
    const { ProjectApiKeyClient } = await import('../client.ts');
    return new ProjectApiKeyClient({
      baseUrl: running.baseUrl,
      adminKey: running.adminKey,
      // The policy's send, not its fetch: a sweep sends thousands, each without a Request and a Response.
      send: transport.send,
      timeoutMs: requestTimeoutMs,
      signal,
      path: loaded.operation.path,
      list: source.operation,
    });
  };

  const listSchemas = (source: ListSource) => ({
    list: source.validators,
    component: source.operation.component,
    entries: loaded.validators,
    strict: config.strict,
  });

  /** Discovery: the key ids the flags lack, from the project's list; the target then uses them. */
  const discover = async (
    running: RunTarget,
    transport: Transport,
    source: ListSource,
  ): Promise<RunTarget> => {
    const projectId = running.ids.projectId as string;
    log(`discovering key ids: listing the keys of project ${projectId} (${source.record.operation})`);
    const { discoverStage } = await import('./stages/discover.ts');
    discovery = await discoverStage({
      client: await listClient(running, transport, source),
      projectId,
      given: running.ids,
      maxKeys: config.maxKeys,
      limit: source.operation.limit,
      schemas: listSchemas(source),
      listComponent: source.operation.component,
      recorder,
      signal,
      log,
    });
    collector.add(...discovery.checks);
    return withIds(running, discovery.ids, discovery.skipReasons, config.seed);
  };

  /** --sweep: every listed key retrieved and checked; its checks join the result from its snapshot. */
  const runSweep = async (running: RunTarget, transport: Transport, source: ListSource): Promise<void> => {
    const projectId = running.ids.projectId as string;
    log(
      `sweeping project ${projectId}: every listed key retrieved (--max-keys ${config.maxKeys}, --concurrency ${config.concurrency})`,
    );
    const { Sweep } = await import('./stages/sweep.ts');
    const started = new Sweep({
      client: await listClient(running, transport, source),
      projectId,
      maxKeys: config.maxKeys,
      concurrency: config.concurrency,
      limit: source.operation.limit,
      schemas: listSchemas(source),
      listComponent: source.operation.component,
      context: { validators: loaded.validators, ownerKinds: loaded.ownerKinds, strict: config.strict },
      recorder,
      signal,
      log,
      ...(environment.sweepProgressEveryMs !== undefined && {
        progressEveryMs: environment.sweepProgressEveryMs,
      }),
    });
    sweep = started;
    await started.run();
    secrets.push(...started.leaked);
  };

  const addTimed = (drafts: readonly CheckDraft[], startedMs: number) => {
    const durationMs = Math.round((performance.now() - startedMs) / Math.max(1, drafts.length));
    collector.add(...drafts.map((draft) => ({ ...draft, durationMs })));
  };

  const execute = async () => {
    let transport: Transport | undefined;
    try {
      target = await startTarget(config, {
        // The seed's document is already parsed; any other shape the provider loads itself.
        ...(config.specPath === DEFAULT_SPEC_PATH && config.referenceShape === 'seed'
          ? { document: loaded.spec.document }
          : { shape: config.referenceShape }),
        ...environment.reference,
      });
      if (target.reference) log(`started the reference provider at ${target.baseUrl}`);
      secrets.push(target.adminKey, target.probes.invalidAdminKey);
      const sender = createTransport(policy, {
        recorder,
        secrets: [target.adminKey, target.probes.invalidAdminKey],
      });
      transport = sender;
      // A stage starts only if the run was not stopped before it.
      if (listSource && needsDiscovery(config) && !signal.aborted)
        target = await discover(target, sender, listSource);
      const running = target;
      firstTarget.resolve(verifyTargetFor(first, running, sender));

      for (const pact of pacts) {
        if (signal.aborted) return;
        // Stage 3: verify, one verifier run per pact, one after another.
        // A broker's pact by its URL: its local file is a temporary copy.
        log(`verifying ${pact.source.url ?? displayPath(pact.path)} (${pact.id}) against ${running.baseUrl}`);
        const started = pact === first ? firstStarted : performance.now();
        const verified: VerifiedPact =
          pact === first
            ? await firstVerification
            : await verifyStage(pact, {
                target: verifyTargetFor(pact, running, sender),
                recorder,
                skipReasons: () => running.skipReasons,
                requestTimeoutMs,
                signal,
              });
        addTimed(verified.checks, started);
        log(`pact ${pact.id}: ${tally(verified.checks)}`);
        if (signal.aborted) return;
        // Stage 4: live checks of the same answers.
        const leaked = await liveStage({
          pact,
          exchanges: verified.exchanges,
          stateSetup: running.stateSetup,
          skipReasons: running.skipReasons,
          request: clientRequest(running, sender),
          recorder,
          context: { validators: loaded.validators, ownerKinds: loaded.ownerKinds, strict: config.strict },
          collector,
          signal,
          onChecked: (key, checks) => log(`  ${STATE_LABELS[key]}: live checks ${tally(checks)}`),
          onOutcome: (key, outcome) => {
            if (!matrixOf || outcome.kind !== 'response') return;
            if (key !== 'userKey' && key !== 'serviceAccountKey') return;
            const name = pacts.length > 1 ? `${pact.id}: ${STATE_LABELS[key]}` : STATE_LABELS[key];
            const body = matrixOf.matrixBodyOf(name, outcome);
            if (body) matrixBodies.push(body);
          },
        });
        secrets.push(...leaked);
      }
      // Stage 5: probes, after the provider states, once whatever the number of pacts.
      if (config.probes > 0 && !signal.aborted) {
        const { probeRun } = await import('./stages/probe-run.ts');
        const probed = await probeRun({
          config,
          target: running,
          transport: sender,
          recorder,
          openapi: loaded,
          signal,
          log,
          policy,
          onSecrets: (found) => secrets.push(...found),
        });
        addTimed(probed.checks, probed.startedMs);
        probing = probed.probing;
      }
      // Stage 5b: every key the list shows, with --sweep; last, as the longest.
      if (config.sweep && listSource && !signal.aborted) await runSweep(running, sender, listSource);
    } finally {
      stop.abort(new Error('the run is over'));
      firstTarget.reject(new Error('the run is over'));
      transport?.close();
      await target?.close();
    }
  };

  /** What the reports say of the project's keys, when discovery or the sweep ran. */
  const projectKeys = (sweepRecord: ReturnType<Sweep['snapshot']>['record'] | undefined) => {
    if (!listSource || !target || (!discovery && !sweepRecord)) return undefined;
    const running = target;
    const records: KeyIdRecord[] =
      discovery?.records ??
      keyIdRecordsOf(running.ids, running.reference, (flag) =>
        running.ids.projectId ? `no ${flag} given` : 'no --project-id given',
      );
    return projectKeysOf({
      projectId: running.ids.projectId ?? '',
      source: listSource,
      records,
      ...(discovery && { discovery }),
      ...(sweepRecord && { sweep: sweepRecord }),
      omitted: recorder.omitted(),
    });
  };

  // Stage 6: the result, from whatever has been gathered when it is asked for.
  const result = (complete: boolean, incompleteReason?: string): ConformanceResult => {
    const swept = sweep?.snapshot();
    const keys = projectKeys(swept?.record);
    return buildResult({
      complete,
      ...(incompleteReason === undefined ? {} : { incompleteReason }),
      target: {
        baseUrl: target?.baseUrl ?? config.baseUrl ?? 'reference provider (not started)',
        reference: config.baseUrl === undefined,
      },
      spec: {
        path: loaded.spec.path,
        sha256: loaded.spec.sha256,
        version: loaded.spec.document.info.version,
      },
      pacts,
      startedAt,
      finishedAt: new Date().toISOString(),
      checks: [...collector.checks, ...(swept?.checks ?? [])],
      exchanges: recorder.exchanges(),
      probing,
      ...(matrixOf && {
        specMatrix: matrixOf.specMatrix(matrixDocuments, matrixBodies, { strict: config.strict }),
      }),
      ...(keys && { projectKeys: keys }),
    });
  };

  return { execute, result, secrets: () => [...secrets] };
};
