import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../../src/cli/conformance.ts';
import { CONTRACT_PATH, PROVIDER } from '../../src/contract/pact-file.ts';
import { oneLine, visibleText } from '../../src/core/text.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { expectInert, expectJunitXml, HOSTILE_NAME } from '../inert-text.ts';
import { type Handler, startServer, type TestServer } from '../transport/servers.ts';

// A Pact Broker on loopback whose every string is built to act: the consumer's name and version, why it
// selected the pact, its notices, the pact's interaction descriptions and provider state, and the text of
// its error. A whole conformance run against it (the reference provider as the target) prints and writes
// all of it as text: nothing reaches the terminal, the CI log or an XML parser as a command.

const contract = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as {
  interactions: Record<string, unknown>[];
};

/** The seed's interactions with a hostile description, plus one asking for a provider state named to act. */
const hostileInteractions = (): Record<string, unknown>[] => {
  const interactions = structuredClone(contract.interactions);
  const [first, second] = interactions;
  if (first) first.description = `${HOSTILE_NAME} ${String(first.description)}`;
  return [
    ...interactions,
    {
      ...structuredClone(second),
      description: `${HOSTILE_NAME} a state nobody knows`,
      providerStates: [{ name: HOSTILE_NAME, params: { projectId: 'proj_abc', keyId: 'key_user_abc' } }],
    },
  ];
};

const json = (response: Parameters<Handler>[1], status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/hal+json' });
  response.end(JSON.stringify(body));
};

/** The broker: its index, one pending pact selected for a hostile reason, and the verification results. */
const hostileBroker = (publishStatus: number): Handler => {
  let url = '';
  return (request, response) => {
    url ||= `http://${request.headers.host}`;
    const path = request.url ?? '';
    if (request.method === 'GET' && path === '/') {
      json(response, 200, {
        _links: {
          'pb:provider-pacts-for-verification': {
            href: `${url}/pacts/provider/{provider}/for-verification`,
            templated: true,
          },
        },
      });
    } else if (request.method === 'POST' && path.endsWith('/for-verification')) {
      json(response, 200, {
        _embedded: {
          pacts: [
            {
              shortDescription: HOSTILE_NAME,
              verificationProperties: {
                pending: true,
                notices: [
                  { when: 'before_verification', text: HOSTILE_NAME },
                  { when: 'after_verification:success_false_published_true', text: HOSTILE_NAME },
                  { when: 'after_verification:success_true_published_true', text: HOSTILE_NAME },
                ],
              },
              _links: { self: { href: `${url}/pacts/hostile`, name: HOSTILE_NAME } },
            },
          ],
        },
      });
    } else if (request.method === 'GET' && path === '/pacts/hostile') {
      json(response, 200, {
        consumer: { name: HOSTILE_NAME },
        provider: { name: PROVIDER },
        interactions: hostileInteractions(),
        metadata: { pactSpecification: { version: '4.0' } },
        _links: {
          self: { href: `${url}/pacts/hostile` },
          'pb:consumer-version': { name: HOSTILE_NAME, href: `${url}/versions/hostile` },
          'pb:publish-verification-results': { href: `${url}/pacts/hostile/verification-results` },
        },
      });
    } else if (request.method === 'POST' && path === '/pacts/hostile/verification-results') {
      json(
        response,
        publishStatus,
        publishStatus === 201
          ? { _links: { self: { href: `${url}/verification-results/1` } } }
          : { error: HOSTILE_NAME },
      );
    } else json(response, 404, { error: 'not here' });
  };
};

describe('a hostile Pact Broker: its names, notices and errors shown as text on every way out', function () {
  this.timeout(60_000);
  const scratch = mkdtempSync(join(tmpdir(), 'hostile-broker-'));
  let broker: TestServer | undefined;
  after(() => rmSync(scratch, { recursive: true, force: true }));
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  const run = async (name: string, publishStatus: number) => {
    broker = await startServer(hostileBroker(publishStatus));
    const dir = join(scratch, name);
    const summary = join(scratch, `${name}-step-summary.md`);
    const out: string[] = [];
    const code = await runConformanceCli(
      ['--broker-url', broker.url, '--provider-version', 'pv1', '--publish-results', '--report-dir', dir],
      {
        env: { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summary },
        io: { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
        signals: new EventEmitter(),
      },
    );
    const report = (format: keyof typeof REPORT_FILES) =>
      readFileSync(join(dir, REPORT_FILES[format]), 'utf8');
    return { code, console: out.join(''), report, summary: readFileSync(summary, 'utf8') };
  };

  it('a run that verifies its pact and publishes the result: the console, four reports and the step summary', async () => {
    const { code, console, report, summary } = await run('published', 201);
    expect(code, console).to.equal(0);
    // The console names the pact, the broker's reason and notices (before and after), each as text.
    expectInert(console, 'console');
    expect(console).to.include(`pact ${oneLine(`${HOSTILE_NAME}@${HOSTILE_NAME}`)} from the Pact Broker`);
    // A name is one line wherever it is printed: its line feeds cannot start a line that looks like ours.
    const lines = console.split('\n');
    expect(lines.filter((line) => line.includes('add-mask'))).to.have.length.above(3);
    for (const line of lines.filter((l) => l.includes('add-mask'))) expect(line).to.include('evil\\u001b[2J');
    for (const format of ['json', 'junit', 'html', 'markdown'] as const) expectInert(report(format), format);
    expectInert(summary, 'step summary');
    await expectJunitXml(report('junit'), 'junit.xml');

    const result = JSON.parse(report('json')) as ConformanceResult;
    const [pact] = result.pacts;
    expect(pact?.consumer).to.equal(visibleText(HOSTILE_NAME));
    expect(pact?.consumerVersion).to.equal(visibleText(HOSTILE_NAME));
    expect(pact?.selectedBecause).to.equal(visibleText(HOSTILE_NAME));
    expect(pact?.notices).to.deep.equal([visibleText(HOSTILE_NAME)]);
    const checks = result.checks.map((c) => `${c.name} ${c.skipReason ?? ''}`).join('\n');
    // The hostile description names a check, and the hostile state is why one was skipped.
    expect(checks).to.include(visibleText(HOSTILE_NAME).split('\n')[0]);
    expect(
      result.checks.filter((c) => c.skipReason?.includes('is not a provider state this suite knows')),
    ).to.have.length(1);
  });

  it('a broker whose answer to the publication is an error built to act: exit 2, one line of text', async () => {
    const { code, console, report } = await run('refused', 500);
    expect(code, console).to.equal(2);
    const last = console.trimEnd().split('\n').at(-1) ?? '';
    expect(last).to.match(/^conformance: Pact Broker http:\/\/127\.0\.0\.1:\d+: answered 500 to publishing/);
    expectInert(console, 'console');
    // The reports were written first, and record why the result was not published, as text.
    const result = JSON.parse(report('json')) as ConformanceResult;
    expect(result.pacts[0]?.publication?.published).to.equal(false);
    expectInert(report('json'), 'json');
    await expectJunitXml(report('junit'), 'junit.xml');
  });
});
