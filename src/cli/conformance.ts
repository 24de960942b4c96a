import { fileURLToPath } from 'node:url';
import { credentialSecretsIn } from '../broker/credentials.ts';
import type { PactsForVerification } from '../broker/pacts-for-verification.ts';
import type { RunPact } from '../conformance/broker-pacts.ts';
import { checkReportDir, parseRunConfig, type RunConfig, USAGE } from '../conformance/config.ts';
import type { ConformanceRun, RunEnvironment } from '../conformance/run.ts';
import { PactFileError } from '../contract/pact.ts';
import { PactBinaryMissingError } from '../pact/binary.ts';
import { consoleWriter } from '../report/console-writer.ts';
import type { ConformanceResult } from '../report/result.ts';
import { oneLine } from '../text.ts';
import { type ConsoleIO, EXIT, processIO, UsageError } from '../usage.ts';

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
const brokerPactLines = (runPacts: readonly RunPact[]): string[] =>
  runPacts.flatMap(({ source }) => {
    const status = source.wip ? 'work in progress, pending' : source.pending ? 'pending' : undefined;
    const about = [source.selectedBecause, status].filter(Boolean);
    return [
      `pact ${source.id} from the Pact Broker: ${source.url}${about.length > 0 ? ` (${about.join('; ')})` : ''}`,
      ...(source.notices ?? []).map((notice) => `  ${notice}`),
    ];
  });

/** The result of a run that verified nothing (no pact from the broker, or stopped while asking it). */
const nothingVerified = async (
  config: RunConfig,
  startedAt: string,
  reason: string,
  complete: boolean,
): Promise<ConformanceResult> => {
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
};

/** `npm run conformance` as a function: returns the exit code; reports are written whatever happens. */
export const runConformanceCli = async (
  argv: string[],
  options: ConformanceCliOptions = {},
): Promise<number> => {
  const env = options.env ?? process.env;
  // The admin key and the Pact Broker's credentials, then what the run learns (its probe key, the
  // reference provider's key, keys the target leaked): in no line printed and no report.
  const given = [env.OPENAI_ADMIN_KEY ?? '', ...credentialSecretsIn(env)].filter((s) => s.trim() !== '');
  let learned: () => readonly string[] = () => [];
  const secrets = (): readonly string[] => [...given, ...learned()];
  // Every line this command prints goes out through the console writer, redacted, made visible and cut.
  const io = consoleWriter(options.io ?? processIO, secrets);
  const fail = (message: string, code: number) => {
    io.stderr(`conformance: ${oneLine(message)}\n`);
    return code;
  };

  // One way to stop a run, whoever asks first: a signal, or the deadline.
  const controller = new AbortController();
  let stopped: Stop | undefined;
  const stop = (why: Stop) => {
    if (stopped) return;
    stopped = why;
    controller.abort(new Error(why.reason));
  };
  const signals = options.signals ?? process;
  const handlers = {
    SIGINT: () => {
      io.stderr('conformance: interrupted by SIGINT; writing what was gathered\n');
      stop({ reason: 'interrupted by SIGINT', code: SIGNAL_EXIT.SIGINT });
    },
    SIGTERM: () => {
      io.stderr('conformance: interrupted by SIGTERM; writing what was gathered\n');
      stop({ reason: 'interrupted by SIGTERM', code: SIGNAL_EXIT.SIGTERM });
    },
  };
  signals.once('SIGINT', handlers.SIGINT);
  signals.once('SIGTERM', handlers.SIGTERM);
  let deadline: NodeJS.Timeout | undefined;
  // The broker's pacts are temporary files: removed however the run ends.
  let disposePacts: (() => Promise<void>) | undefined;

  try {
    const config = parseRunConfig(argv, env);
    if (config === 'help') {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    // Before any traffic: a run whose reports could not be written would be lost.
    checkReportDir(config.reportDir);
    deadline = setTimeout(
      () => {
        io.stderr(`conformance: --max-time ${config.maxTimeMs} ms reached; writing what was gathered\n`);
        stop({
          reason: `stopped at --max-time ${config.maxTimeMs} ms before every check had run`,
          code: EXIT.failed,
        });
      },
      // A timer longer than 2^31-1 ms would fire at once: never wait longer than that.
      Math.min(config.maxTimeMs, MAX_TIMER_MS),
    );
    deadline.unref();

    let runPacts: RunPact[] = [];
    let reporting:
      | Promise<[typeof import('../report/write.ts'), typeof import('../report/console.ts')]>
      | undefined;
    const loadReporting = () => {
      reporting ??= Promise.all([import('../report/write.ts'), import('../report/console.ts')]);
      return reporting;
    };
    /** One writer of the reports, whichever way the run ended; false (said on stderr) when it could not. */
    const report = async (result: ConformanceResult): Promise<boolean> => {
      const [{ writeReports }, { renderConsoleSummary }] = await loadReporting();
      try {
        const { paths } = await writeReports(result, config.reportDir, { env, secrets: secrets() });
        io.stdout(renderConsoleSummary(result, paths));
        return true;
      } catch (error) {
        io.stderr(
          `conformance: cannot write reports to ${config.reportDir}: ${(error as Error).message.split('\n')[0]}\n`,
        );
        return false;
      }
    };
    /** The document, a pact or the Pact CLI could not be used: exit 2, as before any run. */
    const specProblem = async (error: unknown): Promise<string | undefined> => {
      const { SpecError } = await import('../openapi/document.ts');
      if (error instanceof PactFileError) {
        // A broker's pact by its URL: its file is a temporary copy nobody knows.
        const fromBroker = runPacts.find((p) => p.source.path === error.path);
        return fromBroker ? `cannot use pact ${fromBroker.source.url}: ${error.reason}` : error.message;
      }
      return error instanceof SpecError || error instanceof PactBinaryMissingError
        ? error.message
        : undefined;
    };

    // A Pact Broker's pacts, fetched before the run is prepared: a broker that cannot be used is exit 2
    // with nothing sent to the target; one with nothing to verify is exit 1, and the reports say so.
    if (config.broker) {
      const broker = config.broker;
      const startedAt = new Date().toISOString();
      const [{ fetchPactsForVerification }, { BrokerError }, { runPactsOf }] = await Promise.all([
        import('../broker/pacts-for-verification.ts'),
        import('../broker/broker-error.ts'),
        import('../conformance/broker-pacts.ts'),
      ]);
      io.stdout(`fetching the pacts for ${broker.providerName} from the Pact Broker ${broker.brokerUrl}\n`);
      let fetched: PactsForVerification;
      try {
        fetched = await fetchPactsForVerification({
          brokerUrl: broker.brokerUrl,
          ...(broker.credentials && { credentials: broker.credentials }),
          timeoutMs: config.timeoutMs,
          signal: controller.signal,
          provider: broker.providerName,
          consumerVersionSelectors: broker.consumerVersionSelectors,
          enablePending: broker.enablePending,
          ...(broker.providerBranch && { providerVersionBranch: broker.providerBranch }),
          ...(broker.includeWipPactsSince && { includeWipPactsSince: broker.includeWipPactsSince }),
          ...(broker.pactUrl && { pactUrl: broker.pactUrl }),
        });
      } catch (error) {
        if (error instanceof BrokerError) return fail(error.message, EXIT.usage);
        if (!stopped) throw error;
        fetched = {
          outcome: 'none',
          reason: `${(stopped as Stop).reason} while the pacts were fetched from the Pact Broker ${broker.brokerUrl}: nothing was verified`,
        };
      }
      if (fetched.outcome === 'none') {
        const why = stopped as Stop | undefined;
        let result: ConformanceResult;
        try {
          result = await nothingVerified(config, startedAt, fetched.reason, why === undefined);
        } catch (error) {
          const problem = await specProblem(error);
          if (problem !== undefined) return fail(problem, EXIT.usage);
          throw error;
        }
        if (!(await report(result))) return EXIT.usage;
        return why?.code ?? EXIT.failed;
      }
      disposePacts = fetched.dispose;
      runPacts = runPactsOf(fetched.pacts);
      for (const line of brokerPactLines(runPacts)) io.stdout(`${oneLine(line)}\n`);
    }

    let run: ConformanceRun;
    try {
      // Loaded only now: --help and bad flags answer without loading the run's modules.
      const { prepareConformanceRun } = await import('../conformance/run.ts');
      const pacts = runPacts.length > 0 ? runPacts.map((p) => p.source) : config.pacts;
      run = await prepareConformanceRun(
        { ...config, pacts },
        {
          ...options.environment,
          signal: controller.signal,
          // A log entry is one line, whatever name from a pact or a broker it holds.
          log: (line) => io.stdout(`${oneLine(line)}\n`),
        },
      );
      const prepared = run;
      learned = () => prepared.secrets();
    } catch (error) {
      // Loaded by the run by now: the document module is only asked which error this is.
      const problem = await specProblem(error);
      if (problem !== undefined) return fail(problem, EXIT.usage);
      throw error;
    }

    // The reports' modules load while the target is verified: idle time for this process.
    loadReporting().catch(() => {});
    // The run winds down on a stop; after a short grace the reports go out whatever it is doing.
    let internal: string | undefined;
    // A document refused mid-run (its patterns' budget spent on a live body): exit 2, reports written.
    let refused: string | undefined;
    const executed = run.execute().catch(async (error: unknown) => {
      if (stopped) return;
      refused = await specProblem(error);
      if (refused === undefined) internal = (error as Error).message.split('\n')[0] || 'unknown';
    });
    let grace: NodeJS.Timeout | undefined;
    const aborted = new Promise<void>((resolve) =>
      controller.signal.addEventListener(
        'abort',
        () => {
          grace = setTimeout(resolve, WIND_DOWN_MS);
        },
        { once: true },
      ),
    );
    await Promise.race([executed, aborted]);
    clearTimeout(grace);
    clearTimeout(deadline);

    // One result, one writer: whichever way the run ended.
    const why = stopped as Stop | undefined;
    let result: ConformanceResult;
    if (why) result = run.result(false, why.reason);
    else if (refused !== undefined) {
      fail(refused, EXIT.usage);
      result = run.result(false, refused);
    } else if (internal !== undefined) {
      io.stderr(`conformance: internal error: ${internal}\n`);
      result = run.result(false, `internal error: ${internal}`);
    } else result = run.result(true);

    // --publish-results: each pact's own result, only for a run that finished, before the reports
    // are written so they record what was published (or why not).
    let publishError: Error | undefined;
    if (config.broker?.publishResults) {
      const broker = config.broker;
      if (why || refused !== undefined || internal !== undefined) {
        io.stdout(
          `${oneLine(`verification results not published to the Pact Broker: the run did not finish (${result.incompleteReason ?? 'no reason given'})`)}\n`,
        );
      } else {
        const { buildUrlOf, publishResults, withPublications } = await import(
          '../conformance/broker-pacts.ts'
        );
        const buildUrl = buildUrlOf(env);
        const published = await publishResults(result, runPacts, {
          connection: {
            brokerUrl: broker.brokerUrl,
            ...(broker.credentials && { credentials: broker.credentials }),
            timeoutMs: config.timeoutMs,
            signal: controller.signal,
          },
          providerVersion: broker.providerVersion,
          ...(broker.providerBranch && { providerBranch: broker.providerBranch }),
          ...(buildUrl && { buildUrl }),
          onPublished: ({ source }, publication, notices) => {
            io.stdout(
              `${oneLine(`pact ${source.id}: verification result published to the Pact Broker: ${publication.success ? 'success' : 'failure'} (${publication.url})`)}\n`,
            );
            for (const notice of notices) io.stdout(`  ${oneLine(notice)}\n`);
          },
        });
        result = withPublications(result, published.publications);
        publishError = published.error;
        if (published.internal !== undefined) {
          internal = published.internal;
          io.stderr(`conformance: ${internal} while publishing the verification results\n`);
        }
      }
    }

    if (!(await report(result))) return EXIT.usage;
    // A stop while publishing still stops: what was not published, the reports say.
    const stoppedBy = why ?? (stopped as Stop | undefined);
    if (stoppedBy) return stoppedBy.code;
    if (refused !== undefined) return EXIT.usage;
    if (internal !== undefined) return EXIT.internal;
    if (publishError) return fail(publishError.message, EXIT.usage);
    return result.verdict === 'pass' ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, EXIT.usage);
    return fail(`internal error: ${(error as Error).message.split('\n')[0]}`, EXIT.internal);
  } finally {
    clearTimeout(deadline);
    await disposePacts?.().catch(() => {});
    signals.removeListener('SIGINT', handlers.SIGINT);
    signals.removeListener('SIGTERM', handlers.SIGTERM);
  }
};

/** The command as the installed CLI runs it: the process's own environment, output and signals. */
export const main = (argv: string[]): Promise<number> => runConformanceCli(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // The reports are written; a socket a hostile target holds open must not keep the process alive.
    process.exit();
  });
}
