import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Bad input from the person at the keyboard: one line on stderr, exit 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** Exit codes every command shares: 0 ok, 1 checked and found wanting, 2 bad usage, 3 our own bug. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

/** node:util parseArgs, with its errors turned into UsageErrors worded for a person. */
export const parseFlags = <T extends ParseArgsConfig>(config: T) => {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (error) {
    throw new UsageError(
      (error as Error).message.split('\n')[0]?.replace(/\. To specify.*$/, '') ?? 'bad arguments',
    );
  }
};

export interface ConsoleIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIO: ConsoleIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
