import { fileURLToPath } from 'node:url';
import { credentialSecretsIn } from '../broker/credentials.ts';
import type { PactsForVerification } from '../broker/pacts-for-verification.ts';
import type { RunPact } from '../conformance/broker-pacts.ts';
import {
  type BrokerSource,
  checkReportDir,
  parseRunConfig,
  type RunConfig,
  USAGE,
} from '../conformance/config.ts';
import type { ConformanceRun, RunEnvironment } from '../conformance/run.ts';
import { PactFileError } from '../contract/pact.ts';
import { oneLine } from '../core/text.ts';
import { type ConsoleIO, EXIT, processIO, UsageError } from '../core/usage.ts';
import { PactBinaryMissingError } from '../pact/binary.ts';
import type { ConformanceResult } from '../report/conformance-result.ts';
import { consoleWriter } from '../report/console-writer.ts';

/** Exit codes of an interrupted run, as shells report a death by that signal. */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** The longest delay a Node timer takes as given. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long a stopped run may take to wind down (kill the verifier, drop requests) before the reports go out. */
const WIND_DOWN_MS = 2000;

export interface ConformanceCliOptions {
  env?: NodeJS.ProcessEnv;
  io?: ConsoleIO;
  /** Where signals come from; tests pass an emitter of their own. */
  signals?: Pick<NodeJS.EventEmitter, 'once' | 'removeListener'>;
  /** Test hooks passed through to the run (reference provider fault mode, body cap). */
  environment?: Omit<RunEnvironment, 'signal' | 'log'>;
}

/** Why a run stopped before its end, and the exit code that says so. */
interface Stop {
  reason: string;
  code: number;
}

/** Where the pacts come from when a Pact Broker gives them: said once, before the run. */
function brokerPactLines(runPacts: readonly RunPact[]): string[] {
  return runPacts.flatMap(({ source }) => {
    const status = source.wip ? 'work in progress, pending' : source.pending ? 'pending' : undefined;
    const about = [source.selectedBecause, status].filter(Boolean);
    return [
      `pact ${source.id} from the Pact Broker: ${source.url}${about.length > 0 ? ` (${about.join('; ')})` : ''}`,
      ...(source.notices ?? []).map((notice) => `  ${notice}`),
    ];
  });
}

/**
 * Resolves after a whole turn of the event loop, its poll for I/O included: a signal this process was
 * sent before has been heard by then (Node reads signals in the poll, after the I/O of the turn it is in).
 */
function signalsHeard(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** The result of a run that verified nothing (no pact from the broker, or stopped while asking it). */
async function nothingVerified(
  config: RunConfig,
  startedAt: string,
  reason: string,
  complete: boolean,
): Promise<ConformanceResult> {
  const [{ loadSpec }, { nothingVerifiedResult }, { noProbing }] = await Promise.all([
    import('../conformance/stages/load.ts'),
    import('../conformance/stages/result.ts'),
    import('../conformance/run.ts'),
  ]);
  const { spec } = loadSpec(config);
  return nothingVerifiedResult({
    complete,
    reason,
    target: {
      baseUrl: config.baseUrl ?? 'reference provider (not started)',
      reference: config.baseUrl === undefined,
    },
    spec: { path: spec.path, sha256: spec.sha256, version: spec.document.info.version },
    startedAt,
    finishedAt: new Date().toISOString(),
    // Nothing was sent, but the seed the run would have used is still on record.
    probing: noProbing(config),
  });
}

/** `npm run conformance` as a function: returns the exit code; reports are written whatever happens. */
export async function runConformanceCli(
  argv: string[],
  options: ConformanceCliOptions = {},
): Promise<number> {
  return new ConformanceCommand(options).run(argv);
}

type ReportingModules = [typeof import('../report/write.ts'), typeof import('../report/console.ts')];

/** How the run itself ended: stopped (signal or deadline), failed inside, or finished. */
interface Ended {
  /** The stop that ended it, if one did. */
  why: Stop | undefined;
  /** The first line of an unexpected error, if the run threw one without a stop. */
  internal: string | undefined;
  /** A document refused mid-run (its patterns' budget spent on a live body): exit 2, reports written. */
  refused: string | undefined;
}

/**
 * One invocation of the command: its console (redacted of every secret it knows), the one way to stop
 * it (a signal or the deadline), and what must be cleaned up however it ends. run() reads top-down:
 * flags → the broker's pacts → prepare → execute → publish → reports → exit code.
 */
class ConformanceCommand {
  readonly #env: NodeJS.ProcessEnv;
  readonly #environment: ConformanceCliOptions['environment'];
  /** The admin key and the Pact Broker's credentials. */
  readonly #given: string[];
  /** What the run learns (its probe key, the reference provider's key, keys the target leaked). */
  #learned: () => readonly string[] = () => [];
  /** Every line this command prints goes out through the console writer, redacted, made visible and cut. */
  readonly #io: ConsoleIO;
  /** One way to stop a run, whoever asks first: a signal, or the deadline. */
  readonly #controller = new AbortController();
  #stopped: Stop | undefined;
  readonly #signals: NonNullable<ConformanceCliOptions['signals']>;
  readonly #handlers = {
    SIGINT: () => this.#interrupted('SIGINT'),
    SIGTERM: () => this.#interrupted('SIGTERM'),
  };
  #deadline: NodeJS.Timeout | undefined;
  /** The broker's pacts are temporary files: removed however the run ends. */
  #disposePacts: (() => Promise<void>) | undefined;
  #runPacts: RunPact[] = [];
  #reporting: Promise<ReportingModules> | undefined;
  /** When the flags were read: a run that verified nothing started then. */
  #startedAt = new Date().toISOString();

  constructor(options: ConformanceCliOptions) {
    this.#env = options.env ?? process.env;
    this.#environment = options.environment;
    // In no line printed and no report.
    this.#given = [this.#env.OPENAI_ADMIN_KEY ?? '', ...credentialSecretsIn(this.#env)].filter(
      (s) => s.trim() !== '',
    );
    this.#io = consoleWriter(options.io ?? processIO, () => this.#secrets());
    this.#signals = options.signals ?? process;
    this.#signals.once('SIGINT', this.#handlers.SIGINT);
    this.#signals.once('SIGTERM', this.#handlers.SIGTERM);
  }

  async run(argv: string[]): Promise<number> {
    try {
      const config = parseRunConfig(argv, this.#env);
      if (config === 'help') {
        this.#io.stdout(`${USAGE}\n`);
        return EXIT.ok;
      }
      this.#startedAt = new Date().toISOString();
      // Before any traffic: a run whose reports could not be written would be lost.
      checkReportDir(config.reportDir);
      this.#startDeadline(config.maxTimeMs);
      if (config.broker) {
        const ended = await this.#fetchBrokerPacts(config, config.broker);
        if (ended !== undefined) return ended;
      }
      const run = await this.#prepare(config);
      if (typeof run === 'number') return run;
      return await this.#executeAndReport(config, run);
    } catch (error) {
      if (error instanceof UsageError) return this.#fail(error.message, EXIT.usage);
      return this.#fail(`internal error: ${(error as Error).message.split('\n')[0]}`, EXIT.internal);
    } finally {
      clearTimeout(this.#deadline);
      await this.#disposePacts?.().catch(() => {});
      this.#signals.removeListener('SIGINT', this.#handlers.SIGINT);
      this.#signals.removeListener('SIGTERM', this.#handlers.SIGTERM);
    }
  }

  #secrets(): readonly string[] {
    return [...this.#given, ...this.#learned()];
  }

  #fail(message: string, code: number): number {
    this.#io.stderr(`conformance: ${oneLine(message)}\n`);
    return code;
  }

  #stop(why: Stop): void {
    if (this.#stopped) return;
    this.#stopped = why;
    this.#controller.abort(new Error(why.reason));
  }

  #interrupted(signal: 'SIGINT' | 'SIGTERM'): void {
    this.#io.stderr(`conformance: interrupted by ${signal}; writing what was gathered\n`);
    this.#stop({ reason: `interrupted by ${signal}`, code: SIGNAL_EXIT[signal] });
  }

  /** --max-time: past it the run stops and writes what it gathered. */
  #startDeadline(maxTimeMs: number): void {
    this.#deadline = setTimeout(
      () => {
        this.#io.stderr(`conformance: --max-time ${maxTimeMs} ms reached; writing what was gathered\n`);
        this.#stop({
          reason: `stopped at --max-time ${maxTimeMs} ms before every check had run`,
          code: EXIT.failed,
        });
      },
      // A timer longer than 2^31-1 ms would fire at once: never wait longer than that.
      Math.min(maxTimeMs, MAX_TIMER_MS),
    );
    this.#deadline.unref();
  }

  #loadReporting(): Promise<ReportingModules> {
    this.#reporting ??= Promise.all([import('../report/write.ts'), import('../report/console.ts')]);
    return this.#reporting;
  }

  /** One writer of the reports, whichever way the run ended; false (said on stderr) when it could not. */
  async #report(config: RunConfig, result: ConformanceResult): Promise<boolean> {
    const [{ writeReports }, { renderConsoleSummary }] = await this.#loadReporting();
    try {
      const { paths } = await writeReports(result, config.reportDir, {
        env: this.#env,
        secrets: this.#secrets(),
      });
      this.#io.stdout(renderConsoleSummary(result, paths));
      return true;
    } catch (error) {
      this.#io.stderr(
        `conformance: cannot write reports to ${config.reportDir}: ${(error as Error).message.split('\n')[0]}\n`,
      );
      return false;
    }
  }

  /** The document, a pact or the Pact CLI could not be used: exit 2, as before any run. */
  async #specProblem(error: unknown): Promise<string | undefined> {
    const { SpecError } = await import('../openapi/document.ts');
    if (error instanceof PactFileError) {
      // A broker's pact by its URL: its file is a temporary copy nobody knows.
      const fromBroker = this.#runPacts.find((p) => p.source.path === error.path);
      return fromBroker ? `cannot use pact ${fromBroker.source.url}: ${error.reason}` : error.message;
    }
    return error instanceof SpecError || error instanceof PactBinaryMissingError ? error.message : undefined;
  }

  /**
   * A Pact Broker's pacts, fetched before the run is prepared: a broker that cannot be used is exit 2
   * with nothing sent to the target; one with nothing to verify is exit 1, and the reports say so.
   * Returns the exit code when the command ends here.
   */
  async #fetchBrokerPacts(config: RunConfig, broker: BrokerSource): Promise<number | undefined> {
    const [{ fetchPactsForVerification }, { BrokerError }, { runPactsOf }] = await Promise.all([
      import('../broker/pacts-for-verification.ts'),
      import('../broker/broker-error.ts'),
      import('../conformance/broker-pacts.ts'),
    ]);
    this.#io.stdout(
      `fetching the pacts for ${broker.providerName} from the Pact Broker ${broker.brokerUrl}\n`,
    );
    let fetched: PactsForVerification;
    try {
      fetched = await fetchPactsForVerification({
        brokerUrl: broker.brokerUrl,
        ...(broker.credentials && { credentials: broker.credentials }),
        timeoutMs: config.timeoutMs,
        signal: this.#controller.signal,
        provider: broker.providerName,
        consumerVersionSelectors: broker.consumerVersionSelectors,
        enablePending: broker.enablePending,
        ...(broker.providerBranch && { providerVersionBranch: broker.providerBranch }),
        ...(broker.includeWipPactsSince && { includeWipPactsSince: broker.includeWipPactsSince }),
        ...(broker.pactUrl && { pactUrl: broker.pactUrl }),
      });
    } catch (error) {
      if (error instanceof BrokerError) return this.#fail(error.message, EXIT.usage);
      if (!this.#stopped) throw error;
      fetched = {
        outcome: 'none',
        reason: `${this.#stopped.reason} while the pacts were fetched from the Pact Broker ${broker.brokerUrl}: nothing was verified`,
      };
    }
    if (fetched.outcome === 'none') return this.#reportNothingVerified(config, fetched.reason);
    this.#disposePacts = fetched.dispose;
    this.#runPacts = runPactsOf(fetched.pacts);
    for (const line of brokerPactLines(this.#runPacts)) this.#io.stdout(`${oneLine(line)}\n`);
    return undefined;
  }

  /** No pact to verify (or stopped while asking the broker): the reports say so; exit 1 or the stop's code. */
  async #reportNothingVerified(config: RunConfig, reason: string): Promise<number> {
    const why = this.#stopped;
    let result: ConformanceResult;
    try {
      result = await nothingVerified(config, this.#startedAt, reason, why === undefined);
    } catch (error) {
      const problem = await this.#specProblem(error);
      if (problem !== undefined) return this.#fail(problem, EXIT.usage);
      throw error;
    }
    if (!(await this.#report(config, result))) return EXIT.usage;
    return why?.code ?? EXIT.failed;
  }

  /** The run prepared (pacts and document loaded, contract checks run), or exit 2 when they cannot be used. */
  async #prepare(config: RunConfig): Promise<ConformanceRun | number> {
    try {
      // Loaded only now: --help and bad flags answer without loading the run's modules.
      const { prepareConformanceRun } = await import('../conformance/run.ts');
      const pacts = this.#runPacts.length > 0 ? this.#runPacts.map((p) => p.source) : config.pacts;
      const run = await prepareConformanceRun(
        { ...config, pacts },
        {
          ...this.#environment,
          signal: this.#controller.signal,
          // A log entry is one line, whatever name from a pact or a broker it holds.
          log: (line) => this.#io.stdout(`${oneLine(line)}\n`),
        },
      );
      this.#learned = () => run.secrets();
      return run;
    } catch (error) {
      // Loaded by the run by now: the document module is only asked which error this is.
      const problem = await this.#specProblem(error);
      if (problem !== undefined) return this.#fail(problem, EXIT.usage);
      // A stop before the verifier started (while the run's modules loaded, or as it was set up) ends
      // its setup: a stop, not an internal error, with reports that say nothing was verified.
      const why = this.#stopped;
      if (why)
        return await this.#reportNothingVerified(
          config,
          `${why.reason} while the run was set up: nothing was verified`,
        );
      throw error;
    }
  }

  /** Executes the run, publishes its results when asked, writes the reports, and says the exit code. */
  async #executeAndReport(config: RunConfig, run: ConformanceRun): Promise<number> {
    // The reports' modules load while the target is verified: idle time for this process.
    this.#loadReporting().catch(() => {});
    const ended = await this.#execute(run);
    const { why } = ended;
    // One result, one writer: whichever way the run ended.
    let result: ConformanceResult;
    if (why) result = run.result(false, why.reason);
    else if (ended.refused !== undefined) {
      this.#fail(ended.refused, EXIT.usage);
      result = run.result(false, ended.refused);
    } else if (ended.internal !== undefined) {
      this.#io.stderr(`conformance: internal error: ${ended.internal}\n`);
      result = run.result(false, `internal error: ${ended.internal}`);
    } else result = run.result(true);
    let publishError: Error | undefined;
    if (config.broker?.publishResults) {
      const published = await this.#publish(config, config.broker, result, ended);
      result = published.result;
      publishError = published.error;
    }
    if (!(await this.#report(config, result))) return EXIT.usage;
    // A stop while publishing still stops: what was not published, the reports say.
    const stoppedBy = why ?? this.#stopped;
    if (stoppedBy) return stoppedBy.code;
    if (ended.refused !== undefined) return EXIT.usage;
    if (ended.internal !== undefined) return EXIT.internal;
    if (publishError) return this.#fail(publishError.message, EXIT.usage);
    return result.verdict === 'pass' ? EXIT.ok : EXIT.failed;
  }

  /** The run winds down on a stop; after a short grace the reports go out whatever it is doing. */
  async #execute(run: ConformanceRun): Promise<Ended> {
    let internal: string | undefined;
    let refused: string | undefined;
    const executed = run.execute().catch(async (error: unknown) => {
      if (this.#stopped) return;
      refused = await this.#specProblem(error);
      if (refused === undefined) internal = (error as Error).message.split('\n')[0] || 'unknown';
    });
    let grace: NodeJS.Timeout | undefined;
    const aborted = new Promise<void>((resolve) =>
      this.#controller.signal.addEventListener(
        'abort',
        () => {
          grace = setTimeout(resolve, WIND_DOWN_MS);
        },
        { once: true },
      ),
    );
    await Promise.race([executed, aborted]);
    clearTimeout(grace);
    clearTimeout(this.#deadline);
    // A stop that came while the last stage ended makes this run a stopped one, not a complete one that
    // exits with a signal's code.
    await signalsHeard();
    return { why: this.#stopped, internal, refused };
  }

  /**
   * --publish-results: each pact's own result, only for a run that finished, before the reports are
   * written so they record what was published (or why not). An internal error while publishing joins
   * `ended`, so the exit code says it.
   */
  async #publish(
    config: RunConfig,
    broker: BrokerSource,
    result: ConformanceResult,
    ended: Ended,
  ): Promise<{ result: ConformanceResult; error?: Error }> {
    if (ended.why || ended.refused !== undefined || ended.internal !== undefined) {
      this.#io.stdout(
        `${oneLine(`verification results not published to the Pact Broker: the run did not finish (${result.incompleteReason ?? 'no reason given'})`)}\n`,
      );
      return { result };
    }
    const { buildUrlOf, publishResults, withPublications } = await import('../conformance/broker-pacts.ts');
    const buildUrl = buildUrlOf(this.#env);
    const published = await publishResults(result, this.#runPacts, {
      connection: {
        brokerUrl: broker.brokerUrl,
        ...(broker.credentials && { credentials: broker.credentials }),
        timeoutMs: config.timeoutMs,
        signal: this.#controller.signal,
      },
      providerVersion: broker.providerVersion,
      ...(broker.providerBranch && { providerBranch: broker.providerBranch }),
      ...(buildUrl && { buildUrl }),
      onPublished: ({ source }, publication, notices) => {
        this.#io.stdout(
          `${oneLine(`pact ${source.id}: verification result published to the Pact Broker: ${publication.success ? 'success' : 'failure'} (${publication.url})`)}\n`,
        );
        for (const notice of notices) this.#io.stdout(`  ${oneLine(notice)}\n`);
      },
    });
    if (published.internal !== undefined) {
      ended.internal = published.internal;
      this.#io.stderr(`conformance: ${ended.internal} while publishing the verification results\n`);
    }
    return {
      result: withPublications(result, published.publications),
      ...(published.error && { error: published.error }),
    };
  }
}

/** The command as the installed CLI runs it: the process's own environment, output and signals. */
export function main(argv: string[]): Promise<number> {
  return runConformanceCli(argv);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // The reports are written; a socket a hostile target holds open must not keep the process alive.
    process.exit();
  });
}
