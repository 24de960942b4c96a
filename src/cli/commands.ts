import { readFileSync } from 'node:fs';
import { type ConsoleIO, EXIT, processIO } from '../core/usage.ts';

// The installed CLI, `project-api-key-contract <command> [flags]`: a table of subcommands, each module
// loaded only when its command runs (so `validate` never loads Pact, and `--help` loads nothing).

export const BIN = 'project-api-key-contract';

/** What a command module exports: `main` takes the arguments after the command's name, returns the exit code. */
export interface CommandModule {
  main(argv: string[]): number | Promise<number>;
}

export interface Command {
  summary: string;
  load(): Promise<CommandModule>;
}

/** The subcommands, in the order --help lists them. Registering one is a line here. */
export const COMMANDS: Record<string, Command> = {
  conformance: {
    summary: 'verify a deployment (default: the bundled reference provider); write four reports',
    load: () => import('./conformance.ts'),
  },
  validate: {
    summary: 'check a JSON body against a schema of the document',
    load: () => import('./validate.ts'),
  },
  'spec-lint': {
    summary: "check the document's examples against their schemas",
    load: () => import('./spec-lint.ts'),
  },
  provider: {
    summary: 'serve the reference provider, optionally with a fault',
    load: () => import('./provider.ts'),
  },
  'pact-check': {
    summary: "check any consumer's pact against the document before a provider runs it",
    load: () => import('./pact-check.ts'),
  },
  drift: {
    summary: 'what changed between two versions of the document, and whom it breaks',
    load: () => import('./drift.ts'),
  },
  publish: {
    summary: 'publish the pacts in contracts/ to a Pact Broker with the official pact CLI',
    load: () => import('./pact-publish.ts'),
  },
};

const version = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

export const helpText = (commands: Record<string, Command> = COMMANDS): string => {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    `usage: ${BIN} <command> [flags]      (${BIN} <command> --help for its flags)`,
    '',
    'commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'The admin key is read from the environment variable OPENAI_ADMIN_KEY only.',
    'exit codes: 0 ok, 1 not conformant or invalid, 2 bad usage, 3 internal error, 130/143 interrupted',
    '',
  ].join('\n');
};

/** The whole CLI as a function of its arguments; returns the exit code. */
export const runCli = async (
  argv: string[],
  io: ConsoleIO = processIO,
  commands: Record<string, Command> = COMMANDS,
): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(helpText(commands));
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText(commands));
    return EXIT.ok;
  }
  if (name === '--version') {
    io.stdout(`${version()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    const what = name.startsWith('-') ? 'option' : 'command';
    io.stderr(
      `${BIN}: unknown ${what} "${name}" (commands: ${Object.keys(commands).join(', ')}; see --help)\n`,
    );
    return EXIT.usage;
  }
  let module: CommandModule;
  try {
    module = await command.load();
  } catch (error) {
    io.stderr(`${BIN}: internal error: cannot load ${name}: ${(error as Error).message.split('\n')[0]}\n`);
    return EXIT.internal;
  }
  return module.main(rest);
};
