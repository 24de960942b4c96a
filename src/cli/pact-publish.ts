import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrokerError } from '../broker/broker-error.ts';
import { BrokerCredentialsError, brokerCredentialsFrom, credentialSecretsIn } from '../broker/credentials.ts';
import { NoPactsError, publishPacts } from '../broker/publish-pacts.ts';
import { httpUrlFlag } from '../conformance/config.ts';
import { CONTRACT_PATH } from '../contract/pact-file.ts';
import { consoleWriter } from '../report/console-writer.ts';
import { type ConsoleIO, EXIT, parseFlags, processIO, UsageError } from '../usage.ts';

const USAGE = `usage: npm run pact:publish -- --broker-url URL --consumer-version V [--branch B] [--tag T]...
  [--build-url URL]
Publishes every pact in contracts/ with the official pact CLI. PACT_BROKER_BASE_URL may stand for
--broker-url; credentials come from PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD,
in the environment only.`;

/** Where `npm run contracts:update` writes the pacts. */
export const CONTRACTS_DIR = dirname(CONTRACT_PATH);

/** `pact:publish` as a function: returns the exit code (0 published, 1 the broker refused, 2 usage). */
export const runPactPublish = async (
  argv: string[],
  given: ConsoleIO = processIO,
  env: NodeJS.ProcessEnv = process.env,
  pactDir: string = CONTRACTS_DIR,
): Promise<number> => {
  // Every line printed, the official CLI's output included, goes out through the console writer.
  const io = consoleWriter(given, () => credentialSecretsIn(env));
  const fail = (message: string, code: number): number => {
    io.stderr(`pact:publish: ${message}\n`);
    return code;
  };
  try {
    const { values } = parseFlags({
      args: argv,
      options: {
        'broker-url': { type: 'string' },
        'consumer-version': { type: 'string' },
        branch: { type: 'string' },
        tag: { type: 'string', multiple: true },
        'build-url': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    const fromEnv = env.PACT_BROKER_BASE_URL?.trim();
    const brokerUrl =
      values['broker-url'] !== undefined
        ? httpUrlFlag('--broker-url', values['broker-url'])
        : fromEnv
          ? httpUrlFlag('PACT_BROKER_BASE_URL', fromEnv)
          : undefined;
    if (brokerUrl === undefined) throw new UsageError('--broker-url (or PACT_BROKER_BASE_URL) is required');
    const consumerVersion = values['consumer-version'];
    if (consumerVersion === undefined) throw new UsageError('--consumer-version is required');
    for (const [name, value] of Object.entries({
      'consumer-version': consumerVersion,
      branch: values.branch,
    })) {
      if (value !== undefined && value.trim() === '') throw new UsageError(`--${name} is empty`);
    }
    if (values.tag?.some((tag) => tag.trim() === '')) throw new UsageError('--tag is empty');
    const buildUrl =
      values['build-url'] === undefined ? undefined : httpUrlFlag('--build-url', values['build-url']);
    const credentials = brokerCredentialsFrom(env);
    const published = await publishPacts({
      brokerUrl,
      ...(credentials && { credentials }),
      pactDir,
      consumerVersion,
      ...(values.branch !== undefined && { branch: values.branch }),
      ...(values.tag && { tags: values.tag }),
      ...(buildUrl && { buildUrl }),
      env,
    });
    if (published.stdout)
      io.stdout(published.stdout.endsWith('\n') ? published.stdout : `${published.stdout}\n`);
    if (published.code !== 0) {
      if (published.stderr)
        io.stderr(published.stderr.endsWith('\n') ? published.stderr : `${published.stderr}\n`);
      return fail(
        `the Pact Broker ${brokerUrl} did not take the pacts (pact broker publish exited ${published.code})`,
        EXIT.failed,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof BrokerError ||
      error instanceof BrokerCredentialsError ||
      error instanceof NoPactsError
    ) {
      return fail(error.message, EXIT.usage);
    }
    return fail(`internal error: ${(error as Error).message.split('\n')[0]}`, EXIT.internal);
  }
};

export const main = (argv: string[]): Promise<number> => runPactPublish(argv);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runPactPublish(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
