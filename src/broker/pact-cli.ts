import { pactBinaryPath, pactEnvironment, spawnGrouped } from '../pact/binary.ts';

// The official static `pact` CLI's broker commands, run bounded: in time, in output, and with everything
// it starts. The binary, its environment and its process group are ../pact/binary.ts's.

export interface PactCliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The whole of a CLI run may take this long by default; past it the CLI is stopped. */
export const DEFAULT_PACT_CLI_TIMEOUT_MS = 120_000;
/** What is kept of each of the CLI's stdout and stderr; one byte more and it is stopped. */
export const MAX_PACT_CLI_OUTPUT_BYTES = 1024 * 1024;

export interface PactCliLimits {
  env?: NodeJS.ProcessEnv;
  /** Aborting it stops the CLI (its whole process group) and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Default DEFAULT_PACT_CLI_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Per stream; default MAX_PACT_CLI_OUTPUT_BYTES. */
  maxOutputBytes?: number;
}

/** The CLI ran past its time or printed past its cap, and was stopped with everything it started. */
export class PactCliStoppedError extends Error {
  override readonly name = 'PactCliStoppedError';

  constructor(
    readonly limit: 'time' | 'output',
    message: string,
    /** What it printed before it was stopped, within the cap. */
    readonly output: PactCliRun,
  ) {
    super(message);
  }
}

/**
 * Runs `pact ...args` to the end and collects its output (which the caller redacts before showing), in a
 * broker command's environment made from `limits.env`. `binary` is located first by a caller that must
 * know it is there before it does anything else (publish); tests give a stand-in.
 */
export function runPactCli(
  args: readonly string[],
  limits: PactCliLimits = {},
  binary: string = pactBinaryPath(),
): Promise<PactCliRun> {
  return runBounded(binary, args, { ...limits, env: pactEnvironment('broker', limits.env ?? process.env) });
}

/** Output kept up to a cap, counted as it streams: nothing past the cap is ever held. */
class CappedOutput {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(readonly cap: number) {}

  /** Keeps what fits; false once the stream has gone past the cap. */
  add(chunk: Buffer): boolean {
    const room = this.cap - this.#bytes;
    if (room > 0) this.#chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    this.#bytes += chunk.length;
    return this.#bytes <= this.cap;
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

/**
 * Runs `command` within the limits: its process group is killed at the timeout, when either output
 * stream passes its cap, when the signal aborts, and when this process exits first. Exported for tests,
 * which run a shell in its place.
 */
export function runBounded(
  command: string,
  args: readonly string[],
  limits: PactCliLimits = {},
): Promise<PactCliRun> {
  const timeoutMs = limits.timeoutMs ?? DEFAULT_PACT_CLI_TIMEOUT_MS;
  const cap = limits.maxOutputBytes ?? MAX_PACT_CLI_OUTPUT_BYTES;
  return new Promise((resolve, reject) => {
    if (limits.signal?.aborted) {
      reject(limits.signal.reason);
      return;
    }
    const { child, killGroup } = spawnGrouped(command, args, limits.env ?? process.env);
    const stdout = new CappedOutput(cap);
    const stderr = new CappedOutput(cap);
    const output = (): PactCliRun => ({
      code: child.exitCode ?? 1,
      stdout: stdout.text(),
      stderr: stderr.text(),
    });
    let stopped: Error | undefined;
    const stop = (why: Error): void => {
      stopped ??= why;
      killGroup();
    };
    const onAbort = (): void => stop(limits.signal?.reason as Error);
    const timer = setTimeout(
      () => stop(new PactCliStoppedError('time', `did not finish within ${timeoutMs} ms`, output())),
      timeoutMs,
    );
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    const overflowed = (name: string) =>
      stop(new PactCliStoppedError('output', `printed more than ${cap} bytes to ${name}`, output()));
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk) || overflowed('stdout'));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk) || overflowed('stderr'));
    child.on('error', (error) => stop(error));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      if (stopped) reject(stopped);
      else resolve({ code: code ?? (signal ? 128 : 1), stdout: stdout.text(), stderr: stderr.text() });
    });
  });
}
