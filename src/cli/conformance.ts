import { fileURLToPath } from 'node:url';
import { checkReportDir, parseRunConfig, USAGE } from '../conformance/config.ts';
import type { ConformanceResult } from '../conformance/result.ts';
import {
  type ConformanceRun,
  createConformanceRun,
  PactFileError,
  type RunEnvironment,
} from '../conformance/run.ts';
import { redactSecrets } from '../redact.ts';
import { renderConsoleSummary, writeReports } from '../report/write.ts';
import { SpecError } from '../spec/document.ts';
import { CONSOLE_LINE_CHARS, truncateLines } from '../truncate.ts';
import { type ConsoleIO, EXIT, processIO, UsageError } from './usage.ts';

/** Exit codes of an interrupted run, as shells report a death by that signal. */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export interface ConformanceCliOptions {
  env?: NodeJS.ProcessEnv;
  io?: ConsoleIO;
  /** Where signals come from; tests pass an emitter of their own. */
  signals?: Pick<NodeJS.EventEmitter, 'once' | 'removeListener'>;
  /** Test hooks passed through to the run (reference provider fault mode, body cap). */
  environment?: Omit<RunEnvironment, 'signal' | 'log'>;
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

  const controller = new AbortController();
  let config: ReturnType<typeof parseRunConfig>;
  let run: ConformanceRun;
  try {
    config = parseRunConfig(argv, env);
    if (config === 'help') {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    // Before any traffic: a run whose reports could not be written would be lost.
    checkReportDir(config.reportDir);
    run = createConformanceRun(config, {
      ...options.environment,
      signal: controller.signal,
      log: (line) => io.stdout(`${line}\n`),
    });
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecError || error instanceof PactFileError) {
      return fail(error.message, EXIT.usage);
    }
    return fail(`internal error: ${(error as Error).message}`, EXIT.internal);
  }
  const reportDir = config.reportDir;

  const publish = async (result: ConformanceResult): Promise<boolean> => {
    try {
      const { paths } = await writeReports(result, reportDir, { env });
      io.stdout(renderConsoleSummary(result, paths));
      return true;
    } catch (error) {
      io.stderr(
        `conformance: cannot write reports to ${reportDir}: ${(error as Error).message.split('\n')[0]}\n`,
      );
      return false;
    }
  };

  const signals = options.signals ?? process;
  let onSignal: (signal: 'SIGINT' | 'SIGTERM') => void = () => {};
  const interrupted = new Promise<number>((resolve) => {
    onSignal = (signal) => {
      controller.abort();
      io.stderr(`conformance: interrupted by ${signal}; writing what was gathered\n`);
      void publish(run.result(false, `interrupted by ${signal}`)).then(() => resolve(SIGNAL_EXIT[signal]));
    };
  });
  const handlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };
  signals.once('SIGINT', handlers.SIGINT);
  signals.once('SIGTERM', handlers.SIGTERM);

  const finished = (async () => {
    try {
      await run.execute();
      if (controller.signal.aborted) return new Promise<number>(() => {}); // the signal handler answers
      const result = run.result(true);
      if (!(await publish(result))) return EXIT.usage;
      return result.verdict === 'pass' ? EXIT.ok : EXIT.failed;
    } catch (error) {
      const message = redactSecrets((error as Error).message.split('\n')[0] ?? 'unknown', secrets);
      io.stderr(`conformance: internal error: ${message}\n`);
      await publish(run.result(false, `internal error: ${message}`));
      return EXIT.internal;
    }
  })();

  const code = await Promise.race([finished, interrupted]);
  signals.removeListener('SIGINT', handlers.SIGINT);
  signals.removeListener('SIGTERM', handlers.SIGTERM);
  return code;
};

/** The command as the installed CLI runs it: the process's own environment, output and signals. */
export const main = (argv: string[]): Promise<number> => runConformanceCli(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
  // Pact's native verifier may hold handles open; the reports are written, so leave now.
  process.exit();
}
