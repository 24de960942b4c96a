import { spawn } from 'node:child_process';
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

/** Runs `pact ...args` to the end and collects its output (which the caller redacts before showing). */
export const runPactCli = (
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<PactCliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(pactCliPath(), args, {
      env: pactCliEnv(options.env ?? process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal && { signal: options.signal }),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
