import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  PactCliStoppedError,
  pactCliEnv,
  pactCliPackage,
  runBounded,
  runPactCli,
} from '../../src/broker/pact-cli.ts';
import { publishArguments } from '../../src/broker/publish-pacts.ts';

describe('the official pact CLI', () => {
  const platforms: [string, string, string][] = [
    ['linux', 'x64', '@pact-foundation/pact-cli-linux-x64'],
    ['darwin', 'arm64', '@pact-foundation/pact-cli-darwin-arm64'],
    ['win32', 'x64', '@pact-foundation/pact-cli-windows-x64'],
  ];
  for (const [platform, arch, name] of platforms) {
    it(`is found in ${name} on ${platform}-${arch}`, () => {
      expect(pactCliPackage(platform, arch)).to.equal(name);
    });
  }

  it('runs the static binary from its platform package', async () => {
    const run = await runPactCli(['broker', '--version']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^pact-broker \d+\.\d+\.\d+/);
  });

  it('runs with no PACT_* variable but the broker credentials (the CLI reads them as options)', () => {
    const env = pactCliEnv({
      PATH: '/usr/bin',
      PACT_BROKER_BASE_URL: 'http://elsewhere.test',
      PACT_PROVIDER_NAME: 'someone-else',
      PACT_VERIFIER_JSON_REPORT: '/tmp/x.json',
      PACT_BROKER_TOKEN: 't',
      PACT_BROKER_USERNAME: 'u',
      PACT_BROKER_PASSWORD: 'p',
    });
    expect(env).to.deep.equal({
      PATH: '/usr/bin',
      PACT_BROKER_TOKEN: 't',
      PACT_BROKER_USERNAME: 'u',
      PACT_BROKER_PASSWORD: 'p',
      PACT_DO_NOT_TRACK: 'true',
    });
  });

  it('is given the broker, version, branch and tags as arguments, never a credential', () => {
    const args = publishArguments(
      {
        brokerUrl: 'http://127.0.0.1:9292',
        consumerVersion: 'abc',
        branch: 'main',
        tags: ['a', 'b'],
        credentials: { kind: 'token', token: 'pact-token-CANARY-9e2d' },
      },
      ['/c/p.json'],
    );
    expect(args).to.deep.equal([
      'broker',
      'publish',
      '/c/p.json',
      '--broker-base-url',
      'http://127.0.0.1:9292',
      '--consumer-app-version',
      'abc',
      '--branch',
      'main',
      '--tag',
      'a',
      'b',
    ]);
  });

  describe('bounded: what it starts is stopped, with everything it started', () => {
    let scratch: string;
    before(() => {
      scratch = mkdtempSync(join(tmpdir(), 'bounded-'));
    });
    after(() => rmSync(scratch, { recursive: true, force: true }));

    /** Whether a process is still running: a killed one may linger as a zombie until it is reaped. */
    const running = (pid: number): boolean => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };

    /** Resolves once `path` exists: the shell has started its grandchild. */
    const appeared = async (path: string): Promise<void> => {
      while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 10));
    };

    /**
     * Runs a shell that leaves a grandchild (`sleep`) behind and is stopped by `stop` once the grandchild
     * runs; the error it was stopped with, and the grandchild's pid.
     */
    const stoppedRun = async (limits: Parameters<typeof runBounded>[2], stop?: AbortController) => {
      const pidFile = join(scratch, `pid-${Math.random()}`);
      if (stop) void appeared(pidFile).then(() => stop.abort(new Error('stop now')));
      try {
        // Written whole by a rename, so a reader never sees it half written.
        await runBounded(
          'sh',
          ['-c', `sleep 60 & echo $! > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; sleep 60`],
          limits,
        );
      } catch (error) {
        return { error: error as Error, grandchild: Number(readFileSync(pidFile, 'utf8')) };
      }
      throw new Error('expected the run to be stopped');
    };

    const posixIt = process.platform === 'linux' ? it : it.skip;

    posixIt('is stopped at its timeout, grandchildren too', async () => {
      const { error, grandchild } = await stoppedRun({ timeoutMs: 2000 });
      expect(error).to.be.instanceOf(PactCliStoppedError);
      expect((error as PactCliStoppedError).limit).to.equal('time');
      expect(error.message).to.equal('did not finish within 2000 ms');
      expect(grandchild).to.be.above(0);
      expect(running(grandchild)).to.equal(false);
    });

    posixIt('is stopped when the signal aborts, grandchildren too', async () => {
      const controller = new AbortController();
      const { error, grandchild } = await stoppedRun({ signal: controller.signal }, controller);
      expect(error.message).to.equal('stop now');
      expect(grandchild).to.be.above(0);
      expect(running(grandchild)).to.equal(false);
    });

    it('is stopped once its output passes the cap, keeping only the cap', async () => {
      let error: unknown;
      await runBounded('yes', [], { maxOutputBytes: 64 * 1024 }).catch((e: unknown) => {
        error = e;
      });
      expect(error).to.be.instanceOf(PactCliStoppedError);
      const stopped = error as PactCliStoppedError;
      expect([stopped.limit, stopped.message]).to.deep.equal([
        'output',
        'printed more than 65536 bytes to stdout',
      ]);
      expect(stopped.output.stdout.length).to.equal(64 * 1024);
    });

    it('runs to the end within its limits, with its exit code', async () => {
      const run = await runBounded('sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 10_000 });
      expect(run).to.deep.equal({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    });
  });
});
