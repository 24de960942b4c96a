import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The official static `pact` binary (verifier, broker client) from @pact-foundation/pact-cli's platform
// package, run directly: no node wrapper between us and it.

/** The platform package with the binary is not installed (optional dependencies omitted, or no build). */
export class PactCliMissingError extends Error {
  override name = 'PactCliMissingError';
  constructor(readonly packageName: string) {
    super(
      `the Pact CLI for this platform is not installed: ${packageName} is missing (install without --omit=optional)`,
    );
  }
}

/** The path of `standalone/pact` for a platform and architecture; throws a PactCliMissingError. */
export const pactCliPathFor = (platform: string, arch: string): string => {
  const os = platform === 'win32' ? 'windows' : platform;
  const packageName = `@pact-foundation/pact-cli-${os}-${arch}`;
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
  } catch {
    throw new PactCliMissingError(packageName);
  }
  return join(dirname(manifest), 'standalone', os === 'windows' ? 'pact.exe' : 'pact');
};

let cached: string | undefined;

/** The binary for the platform this process runs on. */
export const pactCliPath = (): string => {
  cached ??= pactCliPathFor(process.platform, process.arch);
  return cached;
};

/**
 * The environment the binary runs in: only what it needs. Variables it would otherwise read (PACT_*
 * provider and broker settings, proxies, OpenTelemetry) must not change what a run verifies or where.
 */
export const pactCliEnvironment = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => ({
  ...(env.PATH === undefined ? {} : { PATH: env.PATH }),
  ...(env.HOME === undefined ? {} : { HOME: env.HOME }),
  ...(env.SYSTEMROOT === undefined ? {} : { SYSTEMROOT: env.SYSTEMROOT }),
  PACT_DO_NOT_TRACK: 'true',
});
