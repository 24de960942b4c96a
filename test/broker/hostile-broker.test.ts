import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { MAX_BROKER_ANSWER_BYTES, saidBy } from '../../src/broker/hal.ts';
import { MAX_PACT_CLI_OUTPUT_BYTES } from '../../src/broker/pact-cli.ts';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { runPactPublish } from '../../src/cli/pact-publish.ts';
import { CONTRACT_PATH, PROVIDER } from '../../src/contract/pact-file.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { type Handler, startServer, type TestServer } from '../transport/servers.ts';

// Pact Brokers gone hostile, played on loopback: answers that never come, never end, are huge, or nest
// 100,000 levels deep, and links that carry credentials. Every exchange with a broker, ours or the
// official pact CLI's, ends within its bounds with exit 2 and one line naming the broker; reports a run
// already had are kept; no credential is ever shown. No real broker is needed.

const DEPTH = 100_000;
const deepErrors = `{"errors":${'['.repeat(DEPTH)}"deep"${']'.repeat(DEPTH)}}`;
const contract = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as Record<string, unknown>;

type Route = 'for-verification' | 'pact' | 'results' | 'publish';
type Links = Partial<Record<Route, string>>;

/** The seed's pact as a broker serves it, with the links the run follows (`links` stand in for ours). */
const pactDocument = (base: string, links: Links = {}) => ({
  ...contract,
  consumer: { name: 'hostile-consumer' },
  provider: { name: PROVIDER },
  _links: {
    self: { href: links.pact ?? `${base}/pacts/1` },
    'pb:consumer-version': { name: '1.0.0', href: `${base}/versions/1` },
    'pb:publish-verification-results': { href: links.results ?? `${base}/results` },
  },
});

/** A broker: its index, and each route answered by `routes` (a plain JSON answer when not given). */
const fakeBroker = async (routes: Partial<Record<Route, Handler>>, links: Links = {}) => {
  let base = '';
  const plain: Record<Route, Handler> = {
    'for-verification': (_q, response) =>
      json(response, 200, {
        _embedded: {
          pacts: [
            { shortDescription: 'latest', _links: { self: { href: links.pact ?? `${base}/pacts/1` } } },
          ],
        },
      }),
    pact: (_q, response) => json(response, 200, pactDocument(base, links)),
    results: (_q, response) =>
      json(response, 201, { _links: { self: { href: links.results ?? `${base}/results/1` } } }),
    publish: (_q, response) => json(response, 200, {}),
  };
  const server = await startServer((request, response, index) => {
    response.on('error', () => {});
    const url = request.url ?? '/';
    if (url === '/') {
      return json(response, 200, {
        _links: {
          'pb:provider-pacts-for-verification': {
            href: `${base}/pacts/provider/{provider}/for-verification`,
            templated: true,
          },
          'pb:publish-contracts': { href: `${base}/contracts/publish` },
        },
      });
    }
    const route: Route | undefined = url.endsWith('/for-verification')
      ? 'for-verification'
      : url.startsWith('/pacts/1')
        ? 'pact'
        : url.startsWith('/results')
          ? 'results'
          : url === '/contracts/publish'
            ? 'publish'
            : undefined;
    if (!route) return json(response, 404, { error: 'no such route' });
    (routes[route] ?? plain[route])(request, response, index);
  });
  base = server.url;
  return server;
};

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/hal+json' }).end(JSON.stringify(body));
}

/** Never answers. */
const hangs: Handler = () => {};

/** `head`, then `bytes` of filler (endless when Infinity), then `tail`; stops when the reader goes. */
const streams =
  (head: string, bytes: number, tail = ''): Handler =>
  (_q, response) => {
    response.writeHead(200, { 'content-type': 'application/hal+json' });
    response.write(head);
    const chunk = Buffer.alloc(64 * 1024, 'n');
    let sent = 0;
    const pump = (): void => {
      while (!response.destroyed && sent < bytes) {
        sent += chunk.length;
        if (!response.write(chunk)) return;
      }
      if (!response.destroyed) response.end(tail);
    };
    response.on('drain', pump);
    pump();
  };

const answers =
  (status: number, text: string): Handler =>
  (_q, response) =>
    response.writeHead(status, { 'content-type': 'application/hal+json' }).end(text);

/** A pact for verification whose one notice is `bytes` long. */
const hugeNotice = (bytes: number): Handler =>
  streams(
    '{"_embedded":{"pacts":[{"verificationProperties":{"notices":[{"when":"before_verification","text":"',
    bytes,
    '"}]},"_links":{"self":{"href":"/pacts/1"}}}]}}',
  );

/** Processes still running whose command line holds `marker` (Linux; elsewhere none can be seen). */
const processesWith = (marker: string): string[] => {
  if (process.platform !== 'linux') return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes(marker) && !/^\d+ \(.*\) Z/.test(stat) ? [pid] : [];
      } catch {
        return [];
      }
    });
};

/**
 * Processes with `marker` still running after up to 2 s: a killed process ends the run that killed it
 * before the kernel marks it a zombie, so it may take a moment to be gone; one left running stays.
 */
async function lingering(marker: string): Promise<string[]> {
  for (let waited = 0; waited < 2000 && processesWith(marker).length > 0; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return processesWith(marker);
}

interface Printed {
  code: number;
  stdout: string;
  stderr: string;
  dir: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'hostile-broker-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const publish = async (
  server: TestServer,
  argv: string[] = [],
  signals: EventEmitter = new EventEmitter(),
  version = `v-${randomBytes(6).toString('hex')}`,
) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPactPublish(
    ['--broker-url', server.url, '--consumer-version', version, ...argv],
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
    { PATH: process.env.PATH },
    undefined,
    signals,
  );
  return { code, stdout: out.join(''), stderr: err.join(''), version };
};

const conformance = async (
  name: string,
  server: TestServer,
  argv: string[] = [],
  env: NodeJS.ProcessEnv = {},
) => {
  const dir = join(scratch, name);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runConformanceCli(
    ['--broker-url', server.url, '--provider-version', '1', '--report-dir', dir, ...argv],
    {
      env: { GITHUB_STEP_SUMMARY: '', ...env },
      io: { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) },
      signals: new EventEmitter(),
    },
  );
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), dir } satisfies Printed;
};

/** Exit 2 and exactly one line on stderr, `prefix: Pact Broker URL: detail`. */
const expectOneLine = (
  printed: Pick<Printed, 'code' | 'stderr'>,
  prefix: string,
  url: string,
  detail: string,
) => {
  expect(printed.code, printed.stderr).to.equal(2);
  expect(printed.stderr).to.equal(`${prefix}: Pact Broker ${url}: ${detail}\n`);
};

describe('a hostile Pact Broker', function () {
  this.timeout(60_000);
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('pact:publish, whose official CLI is stopped at its bounds with everything it started', () => {
    it('stops at --max-time when the publish answer never comes', async () => {
      server = await fakeBroker({ publish: hangs });
      const printed = await publish(server, ['--max-time', '3000']);
      expectOneLine(
        printed,
        'pact:publish',
        server.url,
        'publishing did not finish within 3000 ms, and was stopped',
      );
      expect(server.requests.map((r) => `${r.method} ${r.url}`)).to.include('POST /contracts/publish');
      expect(await lingering(printed.version)).to.deep.equal([]);
    });

    it('stops the CLI on SIGINT, exit 130, when the publish answer never comes', async () => {
      const signals = new EventEmitter();
      server = await fakeBroker({
        publish: () => setImmediate(() => signals.emit('SIGINT')),
      });
      const printed = await publish(server, [], signals);
      expect(printed.code).to.equal(130);
      expect(printed.stderr).to.equal('pact:publish: interrupted by SIGINT: the pact CLI was stopped\n');
      expect(await lingering(printed.version)).to.deep.equal([]);
    });

    it('stops the CLI once the broker has sent it the cap, when the publish answer never ends', async () => {
      server = await fakeBroker({ publish: streams('{"notices":[{"text":"', Number.POSITIVE_INFINITY) });
      const printed = await publish(server);
      expectOneLine(
        printed,
        'pact:publish',
        server.url,
        `sent pact broker publish more than ${MAX_BROKER_ANSWER_BYTES} bytes, and it was stopped`,
      );
      expect(await lingering(printed.version)).to.deep.equal([]);
    });

    it('stops the CLI once it prints past its cap, when the broker answers a huge error', async () => {
      const error = 'e'.repeat(2 * MAX_PACT_CLI_OUTPUT_BYTES);
      server = await fakeBroker({ publish: answers(400, JSON.stringify({ errors: { pacts: [error] } })) });
      const printed = await publish(server);
      expectOneLine(
        printed,
        'pact:publish',
        server.url,
        `pact broker publish printed more than ${MAX_PACT_CLI_OUTPUT_BYTES} bytes to stdout, and was stopped`,
      );
      expect(printed.stdout.length).to.be.below(1024);
      expect(await lingering(printed.version)).to.deep.equal([]);
    });

    for (const value of ['0', '86400001', '1.5', 'soon']) {
      it(`refuses --max-time ${value} with one line`, async () => {
        server = await fakeBroker({});
        const printed = await publish(server, ['--max-time', value]);
        expect(printed.code).to.equal(2);
        expect(printed.stderr).to.match(
          /^pact:publish: --max-time must be a whole number from 1 to 86400000, not "[^"]+"\n$/,
        );
        expect(server.requests).to.deep.equal([]);
      });
    }
  });

  describe('conformance, whose own broker client is bounded', () => {
    it('stops waiting at --timeout when the pacts for verification never come', async () => {
      server = await fakeBroker({ 'for-verification': hangs });
      const printed = await conformance('hangs', server, ['--timeout', '500']);
      expectOneLine(
        printed,
        'conformance',
        server.url,
        'no answer to the request for the pacts for verification within 500 ms',
      );
      // A broker that cannot be used is found before the run: there is nothing to report.
      expect(existsSync(join(printed.dir, REPORT_FILES.json))).to.equal(false);
    });

    const tooLarge = `answered the request for the pacts for verification with more than ${MAX_BROKER_ANSWER_BYTES} bytes, the most a broker answer may have`;

    it('stops reading at the cap when the pacts for verification never end', async () => {
      server = await fakeBroker({
        'for-verification': streams('{"_embedded":{"pacts":[', Number.POSITIVE_INFINITY),
      });
      expectOneLine(await conformance('endless', server), 'conformance', server.url, tooLarge);
    });

    it('stops reading at the cap when a notice is 200 MB', async () => {
      server = await fakeBroker({ 'for-verification': hugeNotice(200 * 1024 * 1024) });
      expectOneLine(await conformance('notice', server), 'conformance', server.url, tooLarge);
    });

    // The other two exchanges of a run: fetching a pact, and publishing its result after the reports' run.
    const exchanges: [label: string, route: Route, purpose: string][] = [
      ['the pact', 'pact', 'a request for a pact'],
      ['publishing the result', 'results', 'publishing a verification result'],
    ];
    for (const [label, route, purpose] of exchanges) {
      // An endless answer gets a timeout it cannot reach first, however loaded the machine: the cap ends it.
      for (const [how, handler, timeout, detail] of [
        ['never comes', hangs, '500', `no answer to ${purpose} within 500 ms`],
        [
          'never ends',
          streams('{"a":"', Number.POSITIVE_INFINITY),
          '60000',
          `answered ${purpose} with more than ${MAX_BROKER_ANSWER_BYTES} bytes, the most a broker answer may have`,
        ],
      ] as const) {
        it(`stops at its bound when ${label} ${how}: exit 2 with one line`, async () => {
          server = await fakeBroker({ [route]: handler });
          const printed = await conformance(`${route}-${how.replace(' ', '-')}`, server, [
            '--timeout',
            timeout,
            '--retries',
            '0',
            '--publish-results',
          ]);
          expect(printed.code, printed.stderr).to.equal(2);
          expect(printed.stderr.split('\n').filter(Boolean)).to.deep.equal([
            `conformance: Pact Broker ${server.url}: ${detail}`,
          ]);
          // A result to publish was a finished verification: its reports are kept, and say it was not published.
          if (route === 'results') {
            const result = JSON.parse(
              readFileSync(join(printed.dir, REPORT_FILES.json), 'utf8'),
            ) as ConformanceResult;
            expect([result.complete, result.pacts[0]?.publication?.published]).to.deep.equal([true, false]);
          }
        });
      }
    }
  });

  describe('JSON nested 100,000 levels deep', () => {
    it('is said in one bounded line by the message flattener', () => {
      const said = saidBy(JSON.parse(deepErrors), deepErrors);
      expect(said).to.equal('');
      const wide = saidBy({ errors: { a: ['x'.repeat(10_000)], b: 'y' } }, '');
      expect(wide)
        .to.have.length(301)
        .and.match(/^a: x+…$/);
    });

    it('is exit 2 with one line when the broker refuses the selection with deep errors', async () => {
      server = await fakeBroker({ 'for-verification': answers(400, deepErrors) });
      expectOneLine(
        await conformance('deep-errors', server),
        'conformance',
        server.url,
        'answered 400 to the request for the pacts for verification with JSON nested more than 127 levels deep',
      );
    });

    it('is exit 2 with one line when the pact itself is deep', async () => {
      // A pact the run could use, but for a metadata entry as deep as the errors above.
      const deepPact = (base: string) =>
        JSON.stringify(pactDocument(base)).replace(
          /}$/,
          `,"metadata":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`,
        );
      server = await fakeBroker({
        pact: (q, response, i) => answers(200, deepPact(server?.url ?? ''))(q, response, i),
      });
      expectOneLine(
        await conformance('deep-pact', server),
        'conformance',
        server.url,
        'answered 200 to a request for a pact with JSON nested more than 127 levels deep',
      );
    });

    it('is exit 2 at the publish step, after the reports of the finished verification are written', async () => {
      server = await fakeBroker({ results: answers(400, deepErrors) });
      const printed = await conformance('deep-publish', server, ['--publish-results']);
      const detail =
        'answered 400 to publishing a verification result with JSON nested more than 127 levels deep';
      expect(printed.code, printed.stderr).to.equal(2);
      expect(printed.stderr.split('\n').filter(Boolean)).to.deep.equal([
        `conformance: Pact Broker ${server.url}: ${detail}`,
      ]);
      const result = JSON.parse(
        readFileSync(join(printed.dir, REPORT_FILES.json), 'utf8'),
      ) as ConformanceResult;
      expect([result.complete, result.verdict]).to.deep.equal([true, 'pass']);
      expect(result.pacts[0]?.publication).to.include({
        published: false,
        error: `Pact Broker ${server.url}: ${detail}`,
      });
      for (const report of Object.values(REPORT_FILES))
        expect(existsSync(join(printed.dir, report))).to.equal(true);
    });
  });

  describe('links that carry credentials', () => {
    const USER = 'link-user-CANARY-0d4e';
    const PASSWORD = 'link-password-CANARY-7b19';

    const expectNoCanary = (printed: Printed) => {
      const reports = existsSync(printed.dir)
        ? readdirSync(printed.dir).map((name) => readFileSync(join(printed.dir, name), 'utf8'))
        : [];
      for (const text of [printed.stdout, printed.stderr, ...reports]) {
        expect(text).not.to.include(USER).and.not.to.include(PASSWORD);
      }
    };

    it('never shows them, in the console or any report, when the links work', async () => {
      let base = '';
      const withCredentials = (path: string) =>
        `http://${USER}:${PASSWORD}@${base.replace('http://', '')}${path}`;
      const links: Links = {};
      server = await fakeBroker({}, links);
      base = server.url;
      links.pact = withCredentials('/pacts/1');
      links.results = withCredentials('/results');
      const printed = await conformance('links', server, ['--publish-results']);
      expect(printed.code, printed.stderr).to.equal(0);
      expect(printed.stdout).to.include(`${server.url}/pacts/1`).and.include(`(${server.url}/results)`);
      expectNoCanary(printed);
    });

    it('never shows them in the one line saying a link is not a URL', async () => {
      server = await fakeBroker({}, { pact: `http://${USER}:${PASSWORD}@bro ker/pacts/1` });
      const printed = await conformance('bad-link', server);
      expectOneLine(
        printed,
        'conformance',
        server.url,
        'links to http://bro ker/pacts/1, which is not a URL',
      );
      expectNoCanary(printed);
    });
  });
});
