import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BROKER_CREDENTIAL_VARIABLES } from './credentials.ts';

// The official static `pact` CLI (@pact-foundation/pact-cli, pinned in package.json), run directly from its
// platform package, not through the npm wrapper script.

/** The platform package's name for this machine, e.g. `@pact-foundation/pact-cli-linux-x64`. */
export const pactCliPackage = (platform: string = process.platform, arch: string = process.arch): string =>
  `@pact-foundation/pact-cli-${platform === 'win32' ? 'windows' : platform}-${arch}`;

/** The CLI's absolute path; throws with the package to install when this platform has none. */
export const pactCliPath = (): string => {
  const name = pactCliPackage();
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    throw new Error(
      `the pact CLI for ${process.platform}-${process.arch} is not installed (${name}): run npm ci`,
    );
  }
  const path = join(root, 'standalone', process.platform === 'win32' ? 'pact.exe' : 'pact');
  if (!existsSync(path)) throw new Error(`the pact CLI is missing from ${name} (expected ${path})`);
  return path;
};

/**
 * The environment for a CLI run: ours without any other PACT_* variable (the CLI would read
 * PACT_BROKER_BASE_URL, PACT_PROVIDER_*, PACT_VERIFIER_* ... as options: a `pact verifier -f` run with
 * PACT_BROKER_BASE_URL set also fetches and verifies the broker's pacts, seen with 18.1.2), the broker
 * credentials kept, tracking off.
 */
export const pactCliEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('PACT_') || (BROKER_CREDENTIAL_VARIABLES as readonly string[]).includes(name)) {
      kept[name] = value;
    }
  }
  return { ...kept, PACT_DO_NOT_TRACK: 'true' };
};

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

/** Runs `pact ...args` to the end and collects its output (which the caller redacts before showing). */
export function runPactCli(args: readonly string[], limits: PactCliLimits = {}): Promise<PactCliRun> {
  return runBounded(pactCliPath(), args, { ...limits, env: pactCliEnv(limits.env ?? process.env) });
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
 * Kills the child and every process it started. On POSIX the child leads a process group of its own
 * (spawned detached), so one signal reaches them all; Windows has no groups to signal.
 */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
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
    const child = spawn(command, args, {
      env: limits.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
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
      killGroup(child);
    };
    const onExit = (): void => killGroup(child);
    const onAbort = (): void => stop(limits.signal?.reason as Error);
    const timer = setTimeout(
      () => stop(new PactCliStoppedError('time', `did not finish within ${timeoutMs} ms`, output())),
      timeoutMs,
    );
    process.once('exit', onExit);
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    const overflowed = (name: string) =>
      stop(new PactCliStoppedError('output', `printed more than ${cap} bytes to ${name}`, output()));
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk) || overflowed('stdout'));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk) || overflowed('stderr'));
    child.on('error', (error) => stop(error));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', onExit);
      limits.signal?.removeEventListener('abort', onAbort);
      if (stopped) reject(stopped);
      else resolve({ code: code ?? (signal ? 128 : 1), stdout: stdout.text(), stderr: stderr.text() });
    });
  });
}
