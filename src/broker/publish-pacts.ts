import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pactBinaryPath } from '../pact/binary.ts';
import { BrokerError } from './broker-error.ts';
import { type BrokerRelay, relayedEnv, startBrokerRelay } from './broker-relay.ts';
import { type BrokerConnection, MAX_BROKER_ANSWER_BYTES, openBroker } from './hal.ts';
import { type PactCliRun, PactCliStoppedError, runPactCli } from './pact-cli.ts';

// Publishes pact files with the official CLI (`pact broker publish`). The broker is opened first with our
// HAL client: the CLI retries an unreachable broker for minutes and words 401/403 its own way, while this
// fails at once with the same one-line BrokerError the conformance run gives. Then the CLI runs bounded:
// in time (the whole publish), in what it may read (through the relay, broker-relay.ts) and in what it
// may print; past any bound it is stopped, with every process it started, and a BrokerError says which.

/** The whole publish, the broker check and the CLI's run, may take this long by default. */
export const DEFAULT_PUBLISH_MAX_TIME_MS = 120_000;

export interface PublishPactsOptions extends BrokerConnection {
  /** Every `*.json` in it is published. */
  pactDir: string;
  consumerVersion: string;
  branch?: string;
  tags?: readonly string[];
  buildUrl?: string;
  /** The environment the CLI runs with: the broker credentials come from here. */
  env: NodeJS.ProcessEnv;
  /** The whole publish; default DEFAULT_PUBLISH_MAX_TIME_MS. */
  maxTimeMs?: number;
}

/** There is nothing to publish: no pact file in the folder. */
export class NoPactsError extends Error {
  override readonly name = 'NoPactsError';
}

export interface PublishedPacts extends PactCliRun {
  files: string[];
}

export async function pactFilesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new NoPactsError(
      `cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const files = names.filter((name) => name.endsWith('.json')).sort();
  if (files.length === 0) throw new NoPactsError(`no pact files (*.json) in ${dir}`);
  return files.map((name) => resolve(join(dir, name)));
}

/** The CLI's arguments: files, broker, version, branch, tags. Never a credential (those stay in the env). */
export function publishArguments(
  options: Omit<PublishPactsOptions, 'env' | 'pactDir'>,
  files: readonly string[],
): string[] {
  return [
    'broker',
    'publish',
    ...files,
    '--broker-base-url',
    options.brokerUrl,
    '--consumer-app-version',
    options.consumerVersion,
    ...(options.branch ? ['--branch', options.branch] : []),
    // One --tag with every tag after it: the CLI refuses a repeated --tag.
    ...(options.tags?.length ? ['--tag', ...options.tags] : []),
    ...(options.buildUrl ? ['--build-url', options.buildUrl] : []),
  ];
}

/**
 * Publishes every pact in `pactDir`; the CLI's output comes back as it was (the console writer redacts
 * it). No pact files, or no pact CLI (a PactBinaryMissingError), is known before the broker is opened.
 */
export async function publishPacts(options: PublishPactsOptions): Promise<PublishedPacts> {
  const files = await pactFilesIn(options.pactDir);
  const binary = pactBinaryPath();
  const maxTimeMs = options.maxTimeMs ?? DEFAULT_PUBLISH_MAX_TIME_MS;
  const deadline = AbortSignal.timeout(maxTimeMs);
  const overflow = new AbortController();
  const signal = AbortSignal.any([deadline, overflow.signal, ...(options.signal ? [options.signal] : [])]);
  let relay: BrokerRelay | undefined;
  try {
    (await openBroker({ ...options, signal })).close();
    relay = await startBrokerRelay(MAX_BROKER_ANSWER_BYTES, () => overflow.abort());
    // The deadline stops the CLI; its own timeout is only a second line of defence.
    const run = await runPactCli(
      publishArguments(options, files),
      { env: relayedEnv(options.env, relay), signal, timeoutMs: maxTimeMs },
      binary,
    );
    return { files, code: run.code, stdout: run.stdout, stderr: run.stderr };
  } catch (error) {
    const broker = options.brokerUrl.replace(/\/+$/, '');
    if (overflow.signal.aborted) {
      throw new BrokerError(
        broker,
        'too-large',
        `sent pact broker publish more than ${MAX_BROKER_ANSWER_BYTES} bytes, and it was stopped`,
      );
    }
    if (error instanceof PactCliStoppedError && error.limit === 'output') {
      throw new BrokerError(broker, 'too-large', `pact broker publish ${error.message}, and was stopped`);
    }
    if (options.signal?.aborted) throw error;
    if (deadline.aborted || error instanceof PactCliStoppedError) {
      throw new BrokerError(
        broker,
        'timeout',
        `publishing did not finish within ${maxTimeMs} ms, and was stopped`,
      );
    }
    throw error;
  } finally {
    relay?.close();
  }
}
