// The official static `pact` CLI that @pact-foundation/pact-cli installs for this platform.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Resolved from pact-cli itself, whose optional dependency the platform package is.
const require = createRequire(
  createRequire(import.meta.url).resolve('@pact-foundation/pact-cli/package.json'),
);

/** `@pact-foundation/pact-cli-<platform>-<arch>/standalone/pact`; Pact names Windows `windows`. */
export const pactBinary = (platform: string = process.platform, arch: string = process.arch): string => {
  const os = platform === 'win32' ? 'windows' : platform;
  const manifest = require.resolve(`@pact-foundation/pact-cli-${os}-${arch}/package.json`);
  return join(dirname(manifest), 'standalone', platform === 'win32' ? 'pact.exe' : 'pact');
};
