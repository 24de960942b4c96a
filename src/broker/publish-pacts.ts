import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type BrokerConnection, openBroker } from './hal.ts';
import { type PactCliRun, runPactCli } from './pact-cli.ts';

// Publishes pact files with the official CLI (`pact broker publish`). The broker is opened first with our
// HAL client: the CLI retries an unreachable broker for minutes and words 401/403 its own way, while this
// fails at once with the same one-line BrokerError the conformance run gives.

export interface PublishPactsOptions extends BrokerConnection {
  /** Every `*.json` in it is published. */
  pactDir: string;
  consumerVersion: string;
  branch?: string;
  tags?: readonly string[];
  buildUrl?: string;
  /** The environment the CLI runs with: the broker credentials come from here. */
  env: NodeJS.ProcessEnv;
}

/** There is nothing to publish: no pact file in the folder. */
export class NoPactsError extends Error {
  override readonly name = 'NoPactsError';
}

export interface PublishedPacts extends PactCliRun {
  files: string[];
}

export const pactFilesIn = async (dir: string): Promise<string[]> => {
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
};

/** The CLI's arguments: files, broker, version, branch, tags. Never a credential (those stay in the env). */
export const publishArguments = (
  options: Omit<PublishPactsOptions, 'env' | 'pactDir'>,
  files: readonly string[],
): string[] => [
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

/** Publishes every pact in `pactDir`; the CLI's output comes back as it was (the console writer redacts it). */
export const publishPacts = async (options: PublishPactsOptions): Promise<PublishedPacts> => {
  const files = await pactFilesIn(options.pactDir);
  (await openBroker(options)).close();
  const run = await runPactCli(publishArguments(options, files), {
    env: options.env,
    ...(options.signal && { signal: options.signal }),
  });
  return { files, code: run.code, stdout: run.stdout, stderr: run.stderr };
};
