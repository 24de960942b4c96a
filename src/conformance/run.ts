import type { LoadedPact } from '../contract/pact.ts';
import type { StateAnswer, VerifyProgress, VerifyTarget } from '../contract/verify-pact.ts';
import { DEFAULT_SPEC_PATH } from '../openapi/default-path.ts';
import {
  LIST_STATES,
  STATE_KEYS,
  STATE_LABELS,
  type StateKey,
  type StateParams,
  stateKeyOf,
} from '../pact/provider-states.ts';
import type { ConformanceResult, KeyIdRecord, Probing } from '../report/conformance-result.ts';
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
// probes → sweep → result. Each stage is a function of its own (src/conformance/stages/); this file only wires them and
// owns the run's resources (the target, the transport, the verifier started early). The verifier
// starts before the YAML parser, the validators, the checks and the transport are even loaded: they load
// while it starts. Read it from prepareConformanceRun down: one function per step, each given the
// PreparedRun record it works on, in the order the run takes them.

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

/** What every stage of one run shares: its flags, policy and signal, and what the result is built from. */
interface RunContext {
  config: RunConfig;
  environment: RunEnvironment;
  startedAt: string;
  log: (line: string) => void;
  policy: TransportPolicy;
  /** Whatever the verifier waits for, the gateway answers first: one exchange, same-origin redirects included. */
  requestTimeoutMs: number;
  /** The run's own stop, aborted when it fails to prepare or when execute() ends. */
  stop: AbortController;
  /** The caller's signal and the run's own stop: whichever aborts first stops every stage. */
  signal: AbortSignal;
  collector: CheckCollector;
  recorder: ExchangeRecorder;
  /** What no output may show, as learned so far (ConformanceRun.secrets). */
  secrets: string[];
}

/** The first pact's verifier, started before the document loads so that it starts up meanwhile. */
interface FirstVerification {
  pact: LoadedPact;
  /** Resolved once the target is up (and its ids discovered); the verifier waits for it. */
  target: ReturnType<typeof deferred<VerifyTarget>>;
  startedMs: number;
  /** Settles once the verifier's process is spawned. */
  started: Promise<void>;
  verification: Promise<VerifiedPact>;
}

/** --also-spec: the matrix's module and documents (--spec first); bodies join as the live checks see them. */
interface SpecMatrixRows {
  module: typeof import('./spec-matrix.ts');
  documents: MatrixDocument[];
  bodies: MatrixBody[];
}

/** What preparing loads: the compiled document and the modules the later stages need. */
interface LoadedStages {
  openapi: LoadedOpenApi;
  liveStage: typeof import('./stages/live.ts').liveStage;
  createTransport: typeof import('../transport/transport.ts').createTransport;
  matrix?: SpecMatrixRows;
}

/** What execute() finds out as it goes, and the result reads whenever it is asked for (an interrupt too). */
interface Gathered {
  target?: RunTarget;
  discovery?: Discovery;
  sweep?: Sweep;
  probing: Probing;
}

/** A prepared run: everything execute() and result() work from. */
interface PreparedRun extends RunContext, LoadedStages {
  pacts: LoadedPact[];
  first: FirstVerification;
  /** Discovery, --sweep and a pact's list state read the list: with --spec's list operation, or today's. */
  listSource?: ListSource;
  gathered: Gathered;
}

/**
 * Prepares a run: loads and validates the pacts, starts the verifier on the first one (it waits for
 * the target), then loads the document and runs the contract checks while the verifier starts up, so
 * bad configuration fails before any traffic (PactFileError, SpecError). execute() runs the rest.
 */
export async function prepareConformanceRun(
  config: RunConfig,
  environment: RunEnvironment = {},
): Promise<ConformanceRun> {
  const context = runContextOf(config, environment);
  // Stage 1 (load), with stage 3 (verify) of the first pact started in the middle of it.
  const pacts = loadRunPacts(config);
  const first = startFirstVerification(context, pacts[0] as LoadedPact);
  // The rest of stage 1 and stage 2 load and run while the verifier starts up in its own process.
  const loaded = await loadWhileVerifierStarts(context, pacts, first);
  context.log(
    `seed ${config.seed}: the same seed, flags and target send the same requests (--seed ${config.seed})`,
  );
  context.log(
    worstCaseLine(
      stateRequests(pacts),
      context.policy,
      config.maxTimeMs,
      config.probes,
      listingWorstCase(config),
    ),
  );
  const gathered: Gathered = { probing: noProbing(config) };
  const listSource: ListSource | undefined = needsList(config, pacts)
    ? (await import('./stages/list-source.ts')).listSourceOf(loaded.openapi)
    : undefined;
  const run: PreparedRun = {
    ...context,
    ...loaded,
    pacts,
    first,
    ...(listSource && { listSource }),
    gathered,
  };
  return {
    execute: () => executeRun(run),
    result: (complete, incompleteReason) => resultOf(run, complete, incompleteReason),
    secrets: () => [...context.secrets],
  };
}

/** The run's settings from its flags and surroundings, and the empty collectors its stages fill. */
function runContextOf(config: RunConfig, environment: RunEnvironment): RunContext {
  const startedAt = new Date().toISOString();
  const policy = resolvePolicy({
    ...environment.policy,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
  });
  const stop = new AbortController();
  return {
    config,
    environment,
    startedAt,
    log: environment.log ?? (() => {}),
    policy,
    requestTimeoutMs: (policy.maxRedirects + 1) * worstCaseMs(policy) + 1000,
    stop,
    signal: environment.signal ? AbortSignal.any([environment.signal, stop.signal]) : stop.signal,
    collector: new CheckCollector(),
    recorder: new ExchangeRecorder(),
    secrets: config.adminKey ? [config.adminKey] : [],
  };
}

/** Stage 3 for the first pact, started now: the verifier waits for a target that execute() gives it. */
function startFirstVerification(context: RunContext, pact: LoadedPact): FirstVerification {
  const target = deferred<VerifyTarget>();
  const startedMs = performance.now();
  let verifierStarted!: () => void;
  const started = new Promise<void>((resolve) => {
    verifierStarted = resolve;
  });
  const verification = verifyStage(pact, {
    target: target.promise,
    recorder: context.recorder,
    requestTimeoutMs: context.requestTimeoutMs,
    signal: context.signal,
    onStarted: verifierStarted,
  });
  verification.catch(() => {}); // awaited in execute; a run stopped before that must not leave it unhandled
  return { pact, target, startedMs, started, verification };
}

/**
 * The rest of stage 1 and stage 2: the document compiled, the --also-spec documents loaded and the
 * contract checks run, before any traffic. A failure stops the verifier and is thrown (exit 2).
 */
async function loadWhileVerifierStarts(
  context: RunContext,
  pacts: readonly LoadedPact[],
  first: FirstVerification,
): Promise<LoadedStages> {
  const { config, collector } = context;
  try {
    // Nothing more until the verifier's process is spawned, so it starts up while the rest loads (bundled,
    // the imports below settle before its gateway listens). One that cannot start (no pact CLI) fails here.
    await Promise.race([first.started, first.verification]);
    const [{ loadSpec }, { compileOpenApi }, contract, live, transport] = await Promise.all([
      import('./stages/load.ts'),
      import('./stages/compile.ts'),
      import('./stages/contract.ts'),
      import('./stages/live.ts'),
      import('../transport/transport.ts'),
    ]);
    const openapi = compileOpenApi(loadSpec(config));
    let matrix: SpecMatrixRows | undefined;
    if (config.alsoSpecPaths.length > 0) {
      // Loaded before any traffic, so a bad document is exit 2 with nothing sent.
      const module = await import('./spec-matrix.ts');
      matrix = {
        module,
        documents: await matrixDocumentsOf(openapi, config.alsoSpecPaths, module),
        bodies: [],
      };
    }
    await collector.timed(() => contract.checkPactsAgainstSpec(openapi, pacts));
    await collector.timed(() => [contract.lintSpecExamples(openapi)]);
    return {
      openapi,
      liveStage: live.liveStage,
      createTransport: transport.createTransport,
      ...(matrix && { matrix }),
    };
  } catch (error) {
    context.stop.abort(error);
    first.target.reject(error);
    throw error;
  }
}

/**
 * execute(): the target started (its ids discovered when needed), then each pact verified and its
 * answers live-checked, then the probes and the sweep. The target and transport close however it ends.
 */
async function executeRun(run: PreparedRun): Promise<void> {
  const { config, signal, gathered, listSource } = run;
  let transport: Transport | undefined;
  try {
    gathered.target = await startRunTarget(run);
    const { createTransport } = run;
    const sender = createTransport(run.policy, {
      recorder: run.recorder,
      secrets: [gathered.target.adminKey, gathered.target.probes.invalidAdminKey],
    });
    transport = sender;
    if (listSource && needsDiscovery(config))
      gathered.target = await discover(run, gathered.target, sender, listSource);
    const running = gathered.target;
    run.first.target.resolve(verifyTargetFor(run, run.first.pact, running, sender));
    for (const pact of run.pacts) {
      if (signal.aborted) return;
      const verified = await verifyPact(run, pact, running, sender);
      if (signal.aborted) return;
      await checkLive(run, pact, verified, running, sender);
    }
    // Stage 5: probes, after the provider states, once whatever the number of pacts.
    if (config.probes > 0 && !signal.aborted) await probe(run, running, sender);
    // Stage 5b: every key the list shows, with --sweep; last, as the longest.
    if (config.sweep && listSource && !signal.aborted) await runSweep(run, running, sender, listSource);
  } finally {
    run.stop.abort(new Error('the run is over'));
    run.first.target.reject(new Error('the run is over'));
    transport?.close();
    await gathered.target?.close();
  }
}

/** The deployment under test: --base-url's, or the bundled reference provider started for the run. */
async function startRunTarget(run: PreparedRun): Promise<RunTarget> {
  const { config } = run;
  const target = await startTarget(config, {
    // The seed's document is already parsed; any other shape the provider loads itself.
    ...(config.specPath === DEFAULT_SPEC_PATH && config.referenceShape === 'seed'
      ? { document: run.openapi.spec.document }
      : { shape: config.referenceShape }),
    ...run.environment.reference,
  });
  if (target.reference) run.log(`started the reference provider at ${target.baseUrl}`);
  run.secrets.push(target.adminKey, target.probes.invalidAdminKey);
  return target;
}

/** Stage 3: one verifier run per pact, one after another; the first was started while preparing. */
async function verifyPact(
  run: PreparedRun,
  pact: LoadedPact,
  running: RunTarget,
  transport: Transport,
): Promise<VerifiedPact> {
  const { first } = run;
  // A broker's pact by its URL: its local file is a temporary copy.
  run.log(`verifying ${pact.source.url ?? displayPath(pact.path)} (${pact.id}) against ${running.baseUrl}`);
  const started = pact === first.pact ? first.startedMs : performance.now();
  const verified: VerifiedPact =
    pact === first.pact
      ? await first.verification
      : await verifyStage(pact, {
          target: verifyTargetFor(run, pact, running, transport),
          recorder: run.recorder,
          skipReasons: () => running.skipReasons,
          requestTimeoutMs: run.requestTimeoutMs,
          signal: run.signal,
        });
  addTimed(run.collector, verified.checks, started);
  run.log(`pact ${pact.id}: ${tally(verified.checks)}`);
  return verified;
}

/** Stage 4: live checks of the same answers; a 2xx key body also joins the --also-spec matrix. */
async function checkLive(
  run: PreparedRun,
  pact: LoadedPact,
  verified: VerifiedPact,
  running: RunTarget,
  transport: Transport,
): Promise<void> {
  const { config, matrix } = run;
  const { liveStage } = run;
  const leaked = await liveStage({
    pact,
    exchanges: verified.exchanges,
    stateSetup: running.stateSetup,
    skipReasons: running.skipReasons,
    request: clientRequest(run, running, transport),
    recorder: run.recorder,
    context: {
      validators: run.openapi.validators,
      ownerKinds: run.openapi.ownerKinds,
      strict: config.strict,
    },
    collector: run.collector,
    signal: run.signal,
    onChecked: (key, checks) => run.log(`  ${STATE_LABELS[key]}: live checks ${tally(checks)}`),
    onOutcome: (key, outcome) => {
      if (!matrix || outcome.kind !== 'response') return;
      if (key !== 'userKey' && key !== 'serviceAccountKey') return;
      const name = run.pacts.length > 1 ? `${pact.id}: ${STATE_LABELS[key]}` : STATE_LABELS[key];
      const body = matrix.module.matrixBodyOf(name, outcome);
      if (body) matrix.bodies.push(body);
    },
  });
  run.secrets.push(...leaked);
}

/** Stage 5: the generated requests (--probes), from the seed; what they find joins the checks. */
async function probe(run: PreparedRun, running: RunTarget, transport: Transport): Promise<void> {
  const { probeRun } = await import('./stages/probe-run.ts');
  const probed = await probeRun({
    config: run.config,
    target: running,
    transport,
    recorder: run.recorder,
    openapi: run.openapi,
    signal: run.signal,
    log: run.log,
    policy: run.policy,
    onSecrets: (found) => run.secrets.push(...found),
  });
  addTimed(run.collector, probed.checks, probed.startedMs);
  run.gathered.probing = probed.probing;
}

/** What the verifier needs of the target for one pact: where it is, its states, and how to reach it. */
function verifyTargetFor(
  run: PreparedRun,
  pact: LoadedPact,
  running: RunTarget,
  transport: Transport,
): VerifyTarget {
  return {
    baseUrl: running.baseUrl,
    operation: run.openapi.operation,
    ...(run.listSource && { listPath: run.listSource.operation.path }),
    stateSetup: running.stateSetup,
    transport,
    adminKey: running.adminKey,
    invalidAdminKey: running.probes.invalidAdminKey,
    labelOf: (key) => exchangeLabel(pact.id, key),
    onProgress: (event) => logProgress(run.log, event),
  };
}

/** The verifier's requests and answers, one console line each. */
function logProgress(log: (line: string) => void, event: VerifyProgress): void {
  const label = STATE_LABELS[event.state];
  if (event.kind === 'request') log(`  ${label}: ${event.method} ${event.url}`);
  else log(`  ${label}: ${answerLine(event.answer)} (${event.durationMs} ms)`);
}

/** A state's request as the client sends it, for a state no pact interaction exercised. */
function clientRequest(run: PreparedRun, running: RunTarget, transport: Transport) {
  return async (key: StateKey, params: StateParams, label: string): Promise<StateAnswer> => {
    const { ProjectApiKeyClient, NoResponseError } = await import('../client/client.ts');
    const client = new ProjectApiKeyClient({
      baseUrl: running.baseUrl,
      adminKey: key === 'invalidAdminKey' ? running.probes.invalidAdminKey : running.adminKey,
      fetch: transport.fetch,
      timeoutMs: run.requestTimeoutMs,
      signal: run.signal,
      path: run.openapi.operation.path,
    });
    run.log(`  ${STATE_LABELS[key]}: GET ${client.urlOf(params.projectId, params.keyId)}`);
    try {
      const response = await run.recorder.withCheck(label, () =>
        client.exchange(params.projectId, params.keyId),
      );
      return { kind: 'response', ...response };
    } catch (error) {
      if (error instanceof NoResponseError) return { kind: 'failure', message: error.message };
      throw error;
    }
  };
}

/** The client the list's readers use: the run's transport, the document's paths, the list's operation. */
async function listClient(run: PreparedRun, running: RunTarget, transport: Transport, source: ListSource) {
  const { ProjectApiKeyClient } = await import('../client/client.ts');
  return new ProjectApiKeyClient({
    baseUrl: running.baseUrl,
    adminKey: running.adminKey,
    // The policy's send, not its fetch: a sweep sends thousands, each without a Request and a Response.
    send: transport.send,
    timeoutMs: run.requestTimeoutMs,
    signal: run.signal,
    path: run.openapi.operation.path,
    list: source.operation,
  });
}

/** The schemas a list page and its entries are validated against. */
function listSchemas(run: PreparedRun, source: ListSource) {
  return {
    list: source.validators,
    component: source.operation.component,
    entries: run.openapi.validators,
    strict: run.config.strict,
  };
}

/** Discovery: the key ids the flags lack, from the project's list; the target then uses them. */
async function discover(
  run: PreparedRun,
  running: RunTarget,
  transport: Transport,
  source: ListSource,
): Promise<RunTarget> {
  const projectId = running.ids.projectId as string;
  run.log(`discovering key ids: listing the keys of project ${projectId} (${source.record.operation})`);
  const { discoverStage } = await import('./stages/discover.ts');
  const discovery = await discoverStage({
    client: await listClient(run, running, transport, source),
    projectId,
    given: running.ids,
    maxKeys: run.config.maxKeys,
    limit: source.operation.limit,
    schemas: listSchemas(run, source),
    listComponent: source.operation.component,
    recorder: run.recorder,
    signal: run.signal,
    log: run.log,
  });
  run.gathered.discovery = discovery;
  run.collector.add(...discovery.checks);
  return withIds(running, discovery.ids, discovery.skipReasons, run.config.seed);
}

/** --sweep: every listed key retrieved and checked; its checks join the result from its snapshot. */
async function runSweep(
  run: PreparedRun,
  running: RunTarget,
  transport: Transport,
  source: ListSource,
): Promise<void> {
  const { config } = run;
  const projectId = running.ids.projectId as string;
  run.log(
    `sweeping project ${projectId}: every listed key retrieved (--max-keys ${config.maxKeys}, --concurrency ${config.concurrency})`,
  );
  const { Sweep } = await import('./stages/sweep.ts');
  const started = new Sweep({
    client: await listClient(run, running, transport, source),
    projectId,
    maxKeys: config.maxKeys,
    concurrency: config.concurrency,
    limit: source.operation.limit,
    schemas: listSchemas(run, source),
    listComponent: source.operation.component,
    context: {
      validators: run.openapi.validators,
      ownerKinds: run.openapi.ownerKinds,
      strict: config.strict,
    },
    recorder: run.recorder,
    signal: run.signal,
    log: run.log,
    ...(run.environment.sweepProgressEveryMs !== undefined && {
      progressEveryMs: run.environment.sweepProgressEveryMs,
    }),
  });
  run.gathered.sweep = started;
  await started.run();
  run.secrets.push(...started.leaked);
}

/** A stage's checks with its time shared out among them. */
function addTimed(collector: CheckCollector, drafts: readonly CheckDraft[], startedMs: number): void {
  const durationMs = Math.round((performance.now() - startedMs) / Math.max(1, drafts.length));
  collector.add(...drafts.map((draft) => ({ ...draft, durationMs })));
}

/** Stage 6: the result, from whatever has been gathered when it is asked for. */
function resultOf(run: PreparedRun, complete: boolean, incompleteReason?: string): ConformanceResult {
  const { config, gathered, matrix } = run;
  const swept = gathered.sweep?.snapshot();
  const keys = projectKeysFor(run, swept?.record);
  return buildResult({
    complete,
    ...(incompleteReason === undefined ? {} : { incompleteReason }),
    target: {
      baseUrl: gathered.target?.baseUrl ?? config.baseUrl ?? 'reference provider (not started)',
      reference: config.baseUrl === undefined,
    },
    spec: {
      path: run.openapi.spec.path,
      sha256: run.openapi.spec.sha256,
      version: run.openapi.spec.document.info.version,
    },
    pacts: run.pacts,
    startedAt: run.startedAt,
    finishedAt: new Date().toISOString(),
    checks: [...run.collector.checks, ...(swept?.checks ?? [])],
    exchanges: run.recorder.exchanges(),
    probing: gathered.probing,
    ...(matrix && {
      specMatrix: matrix.module.specMatrix(matrix.documents, matrix.bodies, { strict: config.strict }),
    }),
    ...(keys && { projectKeys: keys }),
  });
}

/** What the reports say of the project's keys, when discovery or the sweep ran. */
function projectKeysFor(run: PreparedRun, sweepRecord: ReturnType<Sweep['snapshot']>['record'] | undefined) {
  const { listSource, recorder } = run;
  const { target, discovery } = run.gathered;
  if (!listSource || !target || (!discovery && !sweepRecord)) return undefined;
  const records: KeyIdRecord[] =
    discovery?.records ??
    keyIdRecordsOf(target.ids, target.reference, (flag) =>
      target.ids.projectId ? `no ${flag} given` : 'no --project-id given',
    );
  return projectKeysOf({
    projectId: target.ids.projectId ?? '',
    source: listSource,
    records,
    ...(discovery && { discovery }),
    ...(sweepRecord && { sweep: sweepRecord }),
    omitted: recorder.omitted(),
  });
}
