import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

// The official static `pact` binary (verifier and broker client) that @pact-foundation/pact-cli installs
// in a platform package, run directly: no node wrapper between us and it. Where it is, the one error
// when it is not, the one environment it runs in, and its process group. contract/ (the verifier),
// broker/ (publish) and the scripts all run it through here.

/** The binary is not installed for this platform: the platform package was omitted, or there is none. */
export class PactBinaryMissingError extends Error {
  override readonly name = 'PactBinaryMissingError';
  constructor(
    readonly platform: string,
    readonly arch: string,
    /** Where it was looked for, from the platform package's name: `@pact-foundation/...-linux-x64/standalone/pact`. */
    readonly expected: string,
  ) {
    super(
      `the Pact CLI for ${platform}-${arch} is not installed: ${expected} is missing (install without --omit=optional)`,
    );
  }
}

/** The platform package that holds the binary, e.g. `@pact-foundation/pact-cli-linux-x64`; Pact says `windows`. */
export function pactPlatformPackage(platform: string, arch: string): string {
  return `@pact-foundation/pact-cli-${platform === 'win32' ? 'windows' : platform}-${arch}`;
}

/** The binary's absolute path for a platform and architecture; throws a PactBinaryMissingError. */
export function pactBinaryPathFor(platform: string, arch: string): string {
  const name = pactPlatformPackage(platform, arch);
  const file = platform === 'win32' ? 'pact.exe' : 'pact';
  let manifest: string | undefined;
  try {
    // From pact-cli itself: the platform package is its optional dependency, and npm may nest it there.
    const pactCli = createRequire(import.meta.url).resolve('@pact-foundation/pact-cli/package.json');
    manifest = createRequire(pactCli).resolve(`${name}/package.json`);
  } catch {
    // Not installed: said below, as a package without the file is.
  }
  const path = manifest && join(dirname(manifest), 'standalone', file);
  if (!path || !existsSync(path))
    throw new PactBinaryMissingError(platform, arch, `${name}/standalone/${file}`);
  return path;
}

const located = new Map<string, string>();

/** The binary for the platform this process runs on; throws a PactBinaryMissingError. */
export function pactBinaryPath(): string {
  const key = `${process.platform}-${process.arch}`;
  const path = located.get(key) ?? pactBinaryPathFor(process.platform, process.arch);
  located.set(key, path);
  return path;
}

/** The broker credentials the official Pact tools read, and so the binary: from the environment only. */
export const BROKER_CREDENTIAL_VARIABLES = [
  'PACT_BROKER_TOKEN',
  'PACT_BROKER_USERNAME',
  'PACT_BROKER_PASSWORD',
] as const;

/** The proxy variables the binary honours. Their exemptions (NO_PROXY, no_proxy) are never passed. */
export const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
];

export type PactRunKind = 'verifier' | 'broker';

/**
 * The one environment policy. Every run gets only PATH, HOME and (Windows) SYSTEMROOT from the caller,
 * with tracking off; nothing else is inherited. The binary reads many variables as options (PACT_BROKER_*,
 * PACT_PROVIDER_*, PACT_VERIFIER_*, SSL_SKIP_VERIFICATION, OTEL_*, RUST_LOG) that must not change what a
 * run verifies, where it sends or what it trusts, and no secret it does not need (OPENAI_ADMIN_KEY) may
 * reach it. A broker command also gets what talking to a broker takes: its credentials, the CA bundle of a
 * TLS broker, and the proxy (publish sets it to its relay). The verifier talks to a gateway on loopback
 * only, so it gets nothing more. The log level is an argument, never a variable.
 */
const PASSED: Record<PactRunKind, readonly string[]> = {
  verifier: [],
  broker: [...BROKER_CREDENTIAL_VARIABLES, 'SSL_CERT_FILE', 'SSL_CERT_DIR', ...PROXY_VARIABLES],
};
const INHERITED = ['PATH', 'HOME', 'SYSTEMROOT'];

/** The environment for one kind of run, from the caller's `env`; `set` adds the run's own values. */
export function pactEnvironment(
  kind: PactRunKind,
  env: NodeJS.ProcessEnv = process.env,
  set: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = {};
  for (const name of [...INHERITED, ...PASSED[kind]]) {
    if (env[name] !== undefined) child[name] = env[name];
  }
  return { ...child, ...set, PACT_DO_NOT_TRACK: 'true' };
}

/** A child that leads a process group of its own on POSIX (spawned detached). */
export interface GroupedChild {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Kills the child and every process it started, with one signal; Windows has no groups to signal. */
  killGroup(): void;
}

/**
 * Spawns `command` (the binary, or a stand-in in tests) with its output piped, in a process group of
 * its own, which is killed when this process exits first: nothing it starts outlives the run.
 */
export function spawnGrouped(command: string, args: readonly string[], env: NodeJS.ProcessEnv): GroupedChild {
  const child = spawn(command, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  function killGroup(): void {
    if (child.pid === undefined) return;
    try {
      if (process.platform === 'win32') child.kill('SIGKILL');
      else process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  process.once('exit', killGroup);
  child.once('close', () => process.removeListener('exit', killGroup));
  return { child, killGroup };
}
