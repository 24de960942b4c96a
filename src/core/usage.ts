import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Bad input from the person at the keyboard: one line on stderr, exit 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** Exit codes every command shares: 0 ok, 1 checked and found wanting, 2 bad usage, 3 our own bug. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

/** node:util parseArgs, with its errors turned into UsageErrors worded for a person. */
export function parseFlags<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    throw new UsageError(
      dashedValue(message, config.args ?? []) ??
        message.split('\n')[0]?.replace(/\. To specify.*$/, '') ??
        'bad arguments',
    );
  }
}

/** `--retries -1`: node reads `-1` as an option and calls the flag ambiguous; say how to give the value. */
function dashedValue(message: string, args: readonly string[]): string | undefined {
  const flag = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message)?.[1];
  const value = flag === undefined ? undefined : args[args.indexOf(flag) + 1];
  if (value === undefined) return undefined;
  return `${flag} ${value}: a value that starts with a dash is given as ${flag}=${value}`;
}

export interface ConsoleIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIO: ConsoleIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
