import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import { repoPath } from '../helpers.ts';

// The real Pact Broker for tests: ../shared/pact-broker/run on a free loopback port with a fresh data dir,
// started on first use and stopped (SIGTERM, wait, data dir removed) after the last test of the file.
// Without it (no ../shared, no Ruby) a loopback PACT_BROKER_BASE_URL is used instead; with neither, the
// suites that need a broker are pending, with the reason in their title: never passing vacuously.

export const SHARED_BROKER = repoPath('../shared/pact-broker');
const RUN = join(SHARED_BROKER, 'run');
const INSTALL_DEPS = join(SHARED_BROKER, 'install-deps');

export type BrokerAvailability =
  | { kind: 'local' }
  | { kind: 'external'; url: string }
  | { kind: 'none'; reason: string };

const isLoopback = (url: string): boolean => {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};

const rubyReady = (): boolean =>
  spawnSync('ruby', ['-e', 'require "sinatra/base"; require "sequel"; require "sqlite3"'], {
    stdio: 'ignore',
  }).status === 0;

/** Which broker the tests can use, decided once when the tests load. */
export const brokerAvailability = (
  env: NodeJS.ProcessEnv = process.env,
  runScript: string = RUN,
): BrokerAvailability => {
  if (existsSync(runScript) && rubyReady()) return { kind: 'local' };
  const external = env.PACT_BROKER_BASE_URL?.trim();
  // Tests touch no network beyond loopback: a broker elsewhere is never written to by them.
  if (external && isLoopback(external)) return { kind: 'external', url: external.replace(/\/+$/, '') };
  const why = existsSync(runScript)
    ? `Ruby and the broker's gems are missing (run ${INSTALL_DEPS})`
    : 'no ../shared/pact-broker beside the checkout';
  const env_ = external ? 'PACT_BROKER_BASE_URL is not a loopback URL' : 'no PACT_BROKER_BASE_URL';
  return { kind: 'none', reason: `needs a real Pact Broker: ${why}, and ${env_}` };
};

export interface RunningBroker {
  url: string;
  /** What the broker printed (its access log included), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The broker's environment: none of our PACT_BROKER_* (its config reads them), webhooks to loopback allowed. */
const brokerEnv = (): NodeJS.ProcessEnv => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('PACT_BROKER_')),
  );
  return {
    ...env,
    PACT_BROKER_LOG_LEVEL: 'warn',
    PACT_BROKER_WEBHOOK_SCHEME_WHITELIST: 'http https',
    PACT_BROKER_WEBHOOK_HOST_WHITELIST: '127.0.0.1',
  };
};

// A start-up guard, not a speed assertion: the broker answers in 2-4 s; a loaded machine may be slower.
const START_GUARD_MS = 90_000;

const startOnce = async (dataDir: string): Promise<RunningBroker> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(RUN, [String(port), dataDir], {
    env: brokerEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | string | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? signal;
      resolve();
    }),
  );
  const log = () => lines.join('\n');
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(killed);
    }
  };
  const deadline = Date.now() + START_GUARD_MS;
  while (exited === undefined) {
    try {
      const response = await fetch(`${url}/diagnostic/status/heartbeat`);
      if (response.status === 200) return { url, log, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the Pact Broker did not answer its heartbeat within ${START_GUARD_MS} ms:\n${log()}`);
    }
    await sleep(100);
  }
  throw new Error(`the Pact Broker exited (${String(exited)}) before it was ready:\n${log()}`);
};

/** Starts ../shared/pact-broker/run on a free port with a fresh data dir; `stop` also removes the dir. */
export const startBroker = async (): Promise<RunningBroker> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pact-broker-data-'));
  try {
    let lastError: unknown;
    // A free port can be taken between our probe and the broker's bind: try another.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const broker = await startOnce(dataDir);
        return {
          ...broker,
          stop: async () => {
            await broker.stop();
            rmSync(dataDir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        lastError = error;
        if (!/Address already in use|EADDRINUSE/.test(String(error))) break;
      }
    }
    throw lastError;
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
};

const availability = brokerAvailability();
let shared: Promise<RunningBroker> | undefined;

/** Stops the shared broker, if one was started; the next suite that needs one starts it afresh. */
const stopShared = async () => {
  const stopping = shared;
  shared = undefined;
  if (stopping) await (await stopping.catch(() => undefined))?.stop();
};

/** The broker for this test run (started on first use). */
const sharedBroker = (): Promise<RunningBroker> => {
  if (availability.kind === 'external') {
    const { url } = availability;
    shared ??= Promise.resolve({ url, log: () => '', stop: async () => {} });
  }
  shared ??= startBroker();
  return shared;
};

export interface BrokerHandle {
  /** The broker's base URL; available in the suite's tests and hooks. */
  readonly url: string;
  /** Ours (../shared/pact-broker): it may call loopback webhooks. */
  readonly local: boolean;
  log(): string;
}

/**
 * `describe` for tests against the real broker: `fn` gets a handle whose URL is set before the first test.
 * With no broker available, the suite is pending and its title says why.
 */
export const describeWithBroker = (title: string, fn: (broker: BrokerHandle) => void): void => {
  if (availability.kind === 'none') {
    describe.skip(`${title} (pending: ${availability.reason})`, () =>
      fn({ url: '', local: false, log: () => '' }));
    return;
  }
  // Registered where the suite is declared (the file's root, when it is declared at the top): the broker
  // is stopped after the file's last test. In parallel mode a worker runs file after file in one process,
  // with this module loaded once, so a hook registered when it loads would stop the broker of its first
  // file only; registered here, each file that uses the broker stops it, and the next starts its own.
  after(stopShared);
  let running: RunningBroker | undefined;
  const handle: BrokerHandle = {
    get url() {
      if (!running) throw new Error('the broker is not started yet: use it in a hook or test');
      return running.url;
    },
    local: availability.kind === 'local',
    log: () => running?.log() ?? '',
  };
  describe(title, function () {
    this.timeout(120_000);
    before(async () => {
      running = await sharedBroker();
    });
    fn(handle);
  });
};

/** A suffix that keeps names of one run apart from another's on a broker that outlives the run. */
export const uniqueSuffix = (): string =>
  `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

/**
 * A new folder under `parent` holding the committed pact as `consumer`'s for `provider`, with
 * `interactions` instead of its own when given: what a consumer publishes to the broker.
 */
export const writePactDir = (
  parent: string,
  consumer: string,
  provider: string,
  interactions?: readonly unknown[],
): string => {
  const dir = mkdtempSync(join(parent, 'pacts-'));
  const contract = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as { interactions: unknown[] };
  writeFileSync(
    join(dir, `${consumer}-${provider}.json`),
    JSON.stringify({
      ...contract,
      consumer: { name: consumer },
      provider: { name: provider },
      interactions: interactions ?? contract.interactions,
    }),
  );
  return dir;
};
