import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { BrokerPact } from '../../src/broker/pacts-for-verification.ts';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import {
  buildUrlOf,
  MISMATCH_CHARS,
  MISMATCHES_PER_TEST,
  publishResults,
  runPactsOf,
  verificationTestsOf,
  withPublications,
} from '../../src/conformance/broker-pacts.ts';
import { PENDING_REASON, withPendingAsWarnings } from '../../src/conformance/verdict.ts';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import type { CheckResult } from '../../src/core/check.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { check, error, resultOf } from '../report/fixtures.ts';
import { json, startServer, type TestServer } from '../transport/servers.ts';

// The broker's pacts in a run, without a broker: how they become the run's sources, what is published for
// each, and what happens when publishing fails or the run is stopped while the pacts are fetched.

const brokerPact = (
  consumer: string,
  consumerVersion: string,
  extra: Partial<BrokerPact> = {},
): BrokerPact => ({
  path: `/tmp/broker-pacts-x/${consumer}-${consumerVersion}.json`,
  consumer,
  consumerVersion,
  provider: 'openai-admin-api',
  url: `http://broker.test/pacts/provider/openai-admin-api/consumer/${consumer}/version/${consumerVersion}`,
  pending: false,
  wip: false,
  notices: [],
  publishResultsUrl: `http://broker.test/pacts/${consumer}/${consumerVersion}/verification-results`,
  ...extra,
});

describe('broker pacts in a run', () => {
  it('each pact a source named consumer@version (unique), with what the broker said before verifying', () => {
    const pacts = runPactsOf([
      brokerPact('web', '1.0', {
        pending: true,
        selectedBecause: 'latest from main branch',
        notices: [
          { when: 'before_verification', text: 'selected because main' },
          { when: 'after_verification:success_true_published_true', text: 'no longer pending' },
        ],
      }),
      brokerPact('web', '1.0', { wip: true, pending: true }),
      brokerPact('cli', '9f2c'),
    ]);
    expect(pacts.map((p) => p.source)).to.deep.equal([
      {
        path: '/tmp/broker-pacts-x/web-1.0.json',
        id: 'web@1.0',
        consumerVersion: '1.0',
        url: 'http://broker.test/pacts/provider/openai-admin-api/consumer/web/version/1.0',
        pending: true,
        wip: false,
        selectedBecause: 'latest from main branch',
        notices: ['selected because main'],
      },
      {
        path: '/tmp/broker-pacts-x/web-1.0.json',
        id: 'web@1.0-2',
        consumerVersion: '1.0',
        url: 'http://broker.test/pacts/provider/openai-admin-api/consumer/web/version/1.0',
        pending: true,
        wip: true,
      },
      {
        path: '/tmp/broker-pacts-x/cli-9f2c.json',
        id: 'cli@9f2c',
        consumerVersion: '9f2c',
        url: 'http://broker.test/pacts/provider/openai-admin-api/consumer/cli/version/9f2c',
        pending: false,
        wip: false,
      },
    ]);
  });

  const builds: [string, NodeJS.ProcessEnv, string | undefined][] = [
    [
      'a GitHub Actions run',
      { GITHUB_SERVER_URL: 'https://github.com/', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' },
      'https://github.com/o/r/actions/runs/7',
    ],
    ['no run id', { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r' }, undefined],
    ['no CI at all', {}, undefined],
  ];
  for (const [label, env, want] of builds) {
    it(`links the build that verified: ${label}`, () => expect(buildUrlOf(env)).to.equal(want));
  }

  describe('the verification result of a pact', () => {
    const interactions: CheckResult[] = [
      check('a key owned by a user', 'pact', [error('/owner/type', "Expected 'robot' to match", 'body')], {
        pact: 'web@1',
      }),
      check('an unknown key', 'pact', [], { pact: 'web@1' }),
      check('a key owned by a service account', 'pact', [], {
        pact: 'web@1',
        status: 'skip',
        skipReason: 'no id',
      }),
      check('key owned by a user: body is a ProjectApiKey', 'schema', [error('/owner/type', 'enum')], {
        pact: 'web@1',
      }),
      check('a key owned by a user', 'pact', [], { pact: 'cli@2' }),
    ];

    it('one test per interaction verified, a failure with its findings as mismatches', () => {
      expect(verificationTestsOf(resultOf(interactions), 'web@1')).to.deep.equal([
        {
          testDescription: 'a key owned by a user',
          interactionDescription: 'a key owned by a user',
          success: false,
          mismatches: [
            { attribute: 'body', identifier: '/owner/type', description: "Expected 'robot' to match" },
          ],
        },
        { testDescription: 'an unknown key', interactionDescription: 'an unknown key', success: true },
      ]);
    });

    it("a pending pact's failure is still a failure on the broker, without the pending note", () => {
      const pending = {
        ...resultOf(interactions),
        checks: withPendingAsWarnings(interactions, new Set(['web@1'])),
      };
      expect(pending.checks[0]?.findings[0]?.message).to.equal(PENDING_REASON);
      const [failed] = verificationTestsOf(pending, 'web@1');
      expect(failed).to.deep.include({ success: false });
      expect(failed?.mismatches?.map((m) => m.identifier)).to.deep.equal(['/owner/type']);
    });

    it('bounds what a hostile target can make it publish', () => {
      const findings = Array.from({ length: 50 }, (_, i) => error(`/x/${i}`, 'y'.repeat(100_000)));
      const [test] = verificationTestsOf(resultOf([check('big', 'pact', findings, { pact: 'p' })]), 'p');
      expect(test?.mismatches).to.have.length(MISMATCHES_PER_TEST);
      for (const mismatch of test?.mismatches ?? []) {
        expect(mismatch.description.length).to.be.at.most(MISMATCH_CHARS);
      }
    });
  });

  describe('publishing', () => {
    let broker: TestServer;
    afterEach(() => broker?.close());

    /** A broker whose index works and whose result POSTs answer `status`. */
    const brokerAnswering = async (status: number) => {
      broker = await startServer((request, response) => {
        if (request.method === 'GET') {
          return json(response, 200, {
            _links: {
              'pb:provider-pacts-for-verification': { href: `${broker.url}/for-verification` },
            },
          });
        }
        json(
          response,
          status,
          status === 201 ? { _links: { self: { href: `${broker.url}/result/1` } } } : {},
        );
      });
      return broker;
    };
    const result = resultOf([
      check('a', 'pact', [], { pact: 'web@1.0' }),
      check('b', 'pact', [error('/x', 'no')], { pact: 'cli@2.0' }),
    ]);
    const pacts = () =>
      runPactsOf([
        brokerPact('web', '1.0', { publishResultsUrl: `${broker.url}/web` }),
        brokerPact('cli', '2.0', { publishResultsUrl: `${broker.url}/cli` }),
      ]);

    it("publishes each pact's own success, and the reports record it", async () => {
      await brokerAnswering(201);
      const published = await publishResults(result, pacts(), {
        connection: { brokerUrl: broker.url },
        providerVersion: 'pv1',
      });
      expect(published.error).to.equal(undefined);
      const posted = broker.requests.filter((r) => r.method === 'POST');
      expect(posted.map((r) => [r.url, JSON.parse(r.body).success])).to.deep.equal([
        ['/web', true],
        ['/cli', false],
      ]);
      const record = withPublications(
        {
          ...result,
          pacts: pacts().map(({ source }) => ({ ...source, sha256: 'x', consumer: 'c', provider: 'p' })),
        },
        published.publications,
      ).pacts.map((p) => p.publication);
      expect(record).to.deep.equal([
        { published: true, success: true, providerVersion: 'pv1', url: `${broker.url}/result/1` },
        { published: true, success: false, providerVersion: 'pv1', url: `${broker.url}/result/1` },
      ]);
    });

    it('stops at the first broker error, the rest recorded as not published, with why', async () => {
      await brokerAnswering(500);
      const published = await publishResults(result, pacts(), {
        connection: { brokerUrl: broker.url, retries: 0 },
        providerVersion: 'pv1',
      });
      expect(published.error?.message).to.match(
        new RegExp(`^Pact Broker ${broker.url}: answered 500 to publishing the verification result`),
      );
      expect([...published.publications.values()]).to.deep.equal([
        { published: false, success: true, providerVersion: 'pv1', error: published.error?.message },
        {
          published: false,
          success: false,
          providerVersion: 'pv1',
          error: 'publishing stopped at an earlier error',
        },
      ]);
      expect(broker.requests.filter((r) => r.method === 'POST')).to.have.length(1);
    });
  });

  /** A loopback stand-in for a broker: its index, one selected pact (`pact`), and `resultStatus` to results. */
  const brokerGiving = (pact: Record<string, unknown>, resultStatus: number) =>
    startServer((request, response) => {
      const base = `http://127.0.0.1:${request.socket.localPort}`;
      if (request.method === 'GET' && request.url === '/') {
        return json(response, 200, {
          _links: {
            'pb:provider-pacts-for-verification': {
              href: `${base}/pacts/provider/{provider}/for-verification`,
              templated: true,
            },
          },
        });
      }
      if (request.method === 'POST' && request.url?.endsWith('/for-verification')) {
        return json(response, 200, {
          _embedded: { pacts: [{ _links: { self: { href: `${base}/pact/1` } } }] },
        });
      }
      if (request.url === '/pact/1') {
        return json(response, 200, {
          ...pact,
          _links: {
            self: { href: `${base}/pact/1` },
            'pb:consumer-version': { name: 'c1', href: `${base}/c1` },
            'pb:publish-verification-results': { href: `${base}/pact/1/verification-results` },
          },
        });
      }
      json(response, resultStatus, { error: 'read-only mode' });
    });
  const committedPact = () => JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as Record<string, unknown>;

  it("a broker's pact the run cannot use: exit 2 naming the pact by its URL, not its temporary file", async () => {
    const broker = await brokerGiving({ ...committedPact(), interactions: [] }, 201);
    const stderr: string[] = [];
    try {
      const code = await runConformanceCli(['--broker-url', broker.url, '--provider-version', 'pv1'], {
        env: { GITHUB_STEP_SUMMARY: '' },
        io: { stdout: () => {}, stderr: (t) => stderr.push(t) },
        signals: new EventEmitter(),
      });
      expect(code).to.equal(2);
      expect(stderr.join('')).to.equal(
        `conformance: cannot use pact ${broker.url}/pact/1: it has no interactions: nothing to verify\n`,
      );
    } finally {
      await broker.close();
    }
  });

  it('a broker that fails while results are published: the reports say so, then exit 2 with one line', async () => {
    const broker = await brokerGiving(committedPact(), 503);
    const dir = mkdtempSync(join(tmpdir(), 'broker-publish-fails-'));
    const stdout: string[] = [];
    const stderr: string[] = [];
    try {
      const code = await runConformanceCli(
        ['--broker-url', broker.url, '--provider-version', 'pv1', '--publish-results', '--report-dir', dir],
        {
          env: { GITHUB_STEP_SUMMARY: '' },
          io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
          signals: new EventEmitter(),
        },
      );
      expect(code, stdout.join('') + stderr.join('')).to.equal(2);
      const line = `conformance: Pact Broker ${broker.url}: answered 503 to publishing the verification result: read-only mode\n`;
      expect(stderr.join('')).to.equal(line);
      const result = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
      expect(result.verdict, 'the verdict is the run’s').to.equal('pass');
      expect(result.pacts.map((p) => p.publication)).to.deep.equal([
        { published: false, success: true, providerVersion: 'pv1', error: line.slice(13, -1) },
      ]);
    } finally {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a stop while the pacts are fetched: exit 130, reports saying nothing was verified, no traffic', async () => {
    // A broker that never answers: the run is interrupted while it waits.
    const hanging = await startServer(() => {});
    const target = await startServer((_request, response) => response.writeHead(500).end());
    const dir = mkdtempSync(join(tmpdir(), 'broker-stop-'));
    const signals = new EventEmitter();
    const out: string[] = [];
    try {
      const exit = runConformanceCli(
        [
          '--base-url',
          target.url,
          '--user-key-id',
          'key_abc',
          '--broker-url',
          hanging.url,
          '--provider-version',
          'v1',
          '--publish-results',
          '--report-dir',
          dir,
        ],
        {
          env: { OPENAI_ADMIN_KEY: 'sk-admin-EXAMPLE', GITHUB_STEP_SUMMARY: '' },
          io: { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
          signals,
        },
      );
      while (hanging.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      signals.emit('SIGINT');
      expect(await exit, out.join('')).to.equal(130);
      const result = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
      expect(result).to.deep.include({
        verdict: 'fail',
        complete: false,
        incompleteReason: `interrupted by SIGINT while the pacts were fetched from the Pact Broker ${hanging.url}: nothing was verified`,
        pacts: [],
      });
      expect(target.requests).to.deep.equal([]);
    } finally {
      await hanging.close();
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
