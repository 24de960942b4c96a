// A headless Chromium for the HTML report's test and `npm run screenshot`, needing nothing but npm:
// CHROMIUM_PATH if set, else a system Chromium if there is one, else the Chromium that the
// @sparticuz/chromium package ships, unpacked once per machine into the temp dir.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export type ChromiumChoice =
  | { from: 'CHROMIUM_PATH' | 'system'; path: string }
  | { from: '@sparticuz/chromium'; path?: undefined };

/** Which Chromium to use; a CHROMIUM_PATH that names nothing is an error, not a reason to look elsewhere. */
export const chooseChromium = (
  env: NodeJS.ProcessEnv,
  exists: (path: string) => boolean,
  system: readonly string[] = SYSTEM_CHROMIUMS,
): ChromiumChoice => {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!exists(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, and there is no file there`);
    return { from: 'CHROMIUM_PATH', path: configured };
  }
  const installed = system.find(exists);
  return installed ? { from: 'system', path: installed } : { from: '@sparticuz/chromium' };
};

const require = createRequire(import.meta.url);

/**
 * The npm Chromium, unpacked into `<tmp>/sparticuz-chromium-<version>/`. The package unpacks into the
 * temp dir it is given, so a child unpacks into a private folder that is then renamed into place: two
 * processes starting at once never run a half-written binary.
 */
export const unpackNpmChromium = async (): Promise<string> => {
  const entry = require.resolve('@sparticuz/chromium');
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = join(tmpdir(), `sparticuz-chromium-${version}`);
  const executable = join(dir, 'chromium');
  if (existsSync(executable)) return executable;
  const staging = mkdtempSync(`${dir}.partial-`);
  try {
    const script =
      'const { default: c } = await import(process.argv[1]); process.stdout.write(await c.executablePath());';
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, entry],
      { env: { ...process.env, TMPDIR: staging } },
    );
    if (stdout !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}`);
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!existsSync(executable)) throw error; // not "another process got there first"
    }
    return executable;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
};

/** Headless, no sandbox (containers run as root), no GPU; the npm Chromium's own flag list crashes here. */
export const launchChromium = async (
  options: LaunchOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Browser> => {
  const choice = chooseChromium(env, existsSync);
  return chromium.launch({
    executablePath: choice.path ?? (await unpackNpmChromium()),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    ...options,
  });
};
