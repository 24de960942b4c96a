import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { relayedEnv } from '../../src/broker/broker-relay.ts';
import { PactCliStoppedError, runBounded, runPactCli } from '../../src/broker/pact-cli.ts';
import { publishArguments } from '../../src/broker/publish-pacts.ts';
import { EXAMPLE_ADMIN_KEY } from '../../src/pact/provider-states.ts';

describe('the official pact CLI', () => {
  it('runs the static binary from its platform package', async () => {
    const run = await runPactCli(['broker', '--version']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^pact-broker \d+\.\d+\.\d+/);
  });

  it("is given a broker command's environment: the credentials and the relay, not the admin key nor PACT_* options", async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'pact-env-'));
    try {
      // A stand-in for the binary that prints the environment it was given, less NODE_V8_COVERAGE: Node
      // itself hands that to every child while `npm run coverage` measures.
      const standIn = join(scratch, 'pact');
      writeFileSync(
        standIn,
        `#!${process.execPath}\ndelete process.env.NODE_V8_COVERAGE;\nprocess.stdout.write(JSON.stringify(process.env));\n`,
      );
      chmodSync(standIn, 0o755);
      const caller = {
        PATH: process.env.PATH,
        OPENAI_ADMIN_KEY: EXAMPLE_ADMIN_KEY,
        PACT_BROKER_BASE_URL: 'http://elsewhere.test',
        PACT_PROVIDER_NAME: 'someone-else',
        PACT_BROKER_TOKEN: 'pact-token-EXAMPLE',
        SSL_SKIP_VERIFICATION: 'true',
        HTTPS_PROXY: 'http://corporate:3128',
        NO_PROXY: '*',
        RUST_LOG: 'trace',
      };
      const relay = 'http://127.0.0.1:4000';
      const run = await runPactCli(
        ['broker', 'publish'],
        { env: relayedEnv(caller, { url: relay }) },
        standIn,
      );
      expect(run.code, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.deep.equal({
        PATH: process.env.PATH,
        PACT_BROKER_TOKEN: 'pact-token-EXAMPLE',
        HTTP_PROXY: relay,
        http_proxy: relay,
        HTTPS_PROXY: relay,
        https_proxy: relay,
        ALL_PROXY: relay,
        all_proxy: relay,
        PACT_DO_NOT_TRACK: 'true',
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
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

    /**
     * Whether a process is gone within 2 s. A killed process closes its files before the kernel marks it a
     * zombie, so the run can end while the grandchild is still exiting; one left running sleeps 60 s.
     */
    const stopsRunning = async (pid: number): Promise<boolean> => {
      for (let waited = 0; waited < 2000; waited += 10) {
        if (!running(pid)) return true;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return !running(pid);
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
      expect(await stopsRunning(grandchild)).to.equal(true);
    });

    posixIt('is stopped when the signal aborts, grandchildren too', async () => {
      const controller = new AbortController();
      const { error, grandchild } = await stoppedRun({ signal: controller.signal }, controller);
      expect(error.message).to.equal('stop now');
      expect(grandchild).to.be.above(0);
      expect(await stopsRunning(grandchild)).to.equal(true);
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
