import { fileURLToPath } from 'node:url';
import { checkReportDir, parseRunConfig, USAGE } from '../conformance/config.ts';
import type { ConformanceRun, RunEnvironment } from '../conformance/run.ts';
import { PactFileError } from '../contract/pact.ts';
import { PactCliMissingError } from '../contract/pact-cli.ts';
import { redactSecrets } from '../redact.ts';
import type { ConformanceResult } from '../report/result.ts';
import { CONSOLE_LINE_CHARS, truncateLines } from '../truncate.ts';
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

/** `npm run conformance` as a function: returns the exit code; reports are written whatever happens. */
export const runConformanceCli = async (
  argv: string[],
  options: ConformanceCliOptions = {},
): Promise<number> => {
  const env = options.env ?? process.env;
  const secrets = [env.OPENAI_ADMIN_KEY ?? ''].filter((s) => s.trim() !== '');
  const raw = options.io ?? processIO;
  // Every line this command prints is redacted, then cut to a length a terminal can show.
  const io: ConsoleIO = {
    stdout: (text) => raw.stdout(truncateLines(redactSecrets(text, secrets), CONSOLE_LINE_CHARS)),
    stderr: (text) => raw.stderr(truncateLines(redactSecrets(text, secrets), CONSOLE_LINE_CHARS)),
  };
  const fail = (message: string, code: number) => {
    io.stderr(`conformance: ${message}\n`);
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

    let run: ConformanceRun;
    try {
      // Loaded only now: --help and bad flags answer without loading the run's modules.
      const { prepareConformanceRun } = await import('../conformance/run.ts');
      run = await prepareConformanceRun(config, {
        ...options.environment,
        signal: controller.signal,
        log: (line) => io.stdout(`${line}\n`),
      });
    } catch (error) {
      // Loaded by the run by now: the document module is only asked which error this is.
      const { SpecError } = await import('../openapi/document.ts');
      if (
        error instanceof SpecError ||
        error instanceof PactFileError ||
        error instanceof PactCliMissingError
      ) {
        return fail(error.message, EXIT.usage);
      }
      throw error;
    }

    // The reports' modules load while the target is verified: idle time for this process.
    const reporting = Promise.all([import('../report/write.ts'), import('../report/console.ts')]);
    reporting.catch(() => {});
    // The run winds down on a stop; after a short grace the reports go out whatever it is doing.
    let internal: string | undefined;
    const executed = run.execute().catch((error: unknown) => {
      if (!stopped) internal = (error as Error).message.split('\n')[0] || 'unknown';
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
    else if (internal !== undefined) {
      io.stderr(`conformance: internal error: ${internal}\n`);
      result = run.result(false, `internal error: ${internal}`);
    } else result = run.result(true);
    const [{ writeReports }, { renderConsoleSummary }] = await reporting;
    try {
      const { paths } = await writeReports(result, config.reportDir, { env });
      io.stdout(renderConsoleSummary(result, paths));
    } catch (error) {
      io.stderr(
        `conformance: cannot write reports to ${config.reportDir}: ${(error as Error).message.split('\n')[0]}\n`,
      );
      return EXIT.usage;
    }
    if (why) return why.code;
    if (internal !== undefined) return EXIT.internal;
    return result.verdict === 'pass' ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, EXIT.usage);
    return fail(`internal error: ${(error as Error).message.split('\n')[0]}`, EXIT.internal);
  } finally {
    clearTimeout(deadline);
    signals.removeListener('SIGINT', handlers.SIGINT);
    signals.removeListener('SIGTERM', handlers.SIGTERM);
  }
};

/** The command as the installed CLI runs it: the process's own environment, output and signals. */
export const main = (argv: string[]): Promise<number> => runConformanceCli(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
  // The reports are written; a socket a hostile target holds open must not keep the process alive.
  process.exit();
}
