import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseRunConfig, type RunConfig } from '../../src/conformance/config.ts';
import { prepareConformanceRun } from '../../src/conformance/run.ts';
import { PENDING_REASON } from '../../src/conformance/verdict.ts';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import { PROVIDER_STATES } from '../../src/pact/provider-states.ts';

// The pipeline end to end, in-process, against the bundled reference provider: several pacts, one pending.

describe('a conformance run of one or several pacts', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'run-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies each in its own verifier run; a pending pact’s failures warn; every check names its pact', async () => {
    // The next consumer version expects another `object` for a user-owned key: the provider breaks it.
    const next = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8'));
    const user = next.interactions.find(
      (i: { providerStates: { name: string }[] }) => i.providerStates[0]?.name === PROVIDER_STATES.userKey,
    );
    user.response.body.content.object = 'organization.project.api_key.v2';
    const nextPath = join(dir, 'next.json');
    writeFileSync(nextPath, JSON.stringify(next));

    const config = parseRunConfig([], {}) as RunConfig;
    config.pacts = [
      { path: CONTRACT_PATH },
      {
        path: nextPath,
        id: 'next',
        consumerVersion: '2.0.0',
        url: 'https://broker.test/pacts/next',
        pending: true,
      },
    ];
    const lines: string[] = [];
    const run = await prepareConformanceRun(config, { log: (line) => lines.push(line) });
    await run.execute();
    const result = run.result(true);

    expect(result.pacts.map((p) => [p.id, p.pending])).to.deep.equal([
      ['project-api-key-client', undefined],
      ['next', true],
    ]);
    const pactChecks = (id: string) => result.checks.filter((c) => c.category === 'pact' && c.pact === id);
    expect(pactChecks('project-api-key-client').map((c) => c.status)).to.deep.equal([
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    const pending = pactChecks('next').find((c) => c.status !== 'pass');
    expect(pending?.status).to.equal('warn');
    expect(pending?.findings[0]?.message).to.equal(PENDING_REASON);
    expect(result.checks.filter((c) => c.category === 'schema').map((c) => c.pact)).to.deep.equal([
      'project-api-key-client',
      'project-api-key-client',
      'next',
      'next',
    ]);
    // The document's own checks, and the probes' once for the run, whatever the number of pacts.
    const unpacted = result.checks.filter((c) => c.pact === undefined).map((c) => c.category);
    expect(unpacted.filter((c) => c !== 'probe')).to.deep.equal(['contract']);
    expect(unpacted.filter((c) => c === 'probe')).to.have.length(9);
    // One request per state per pact, nothing more, besides the probes.
    expect(result.exchanges.filter((e) => !e.check?.startsWith('probe'))).to.have.length(8);
    expect([result.verdict, result.complete]).to.deep.equal(['pass', true]);
    expect(lines.filter((l) => l.startsWith('verifying '))).to.have.length(2);
  });

  it('a pact of many interactions per state: the worst case it prints holds, one request per state', async () => {
    const many = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8'));
    many.interactions = many.interactions.flatMap((interaction: { description: string }) =>
      Array.from({ length: 25 }, (_, n) => ({
        ...structuredClone(interaction),
        description: `${interaction.description} #${n}`,
      })),
    );
    many.interactions[0].request.headers.Cookie = ['session=EXAMPLE'];
    const manyPath = join(dir, 'many.json');
    writeFileSync(manyPath, JSON.stringify(many));
    // The pact's own traffic, probes off: what a pact's size does to the requests is what is measured.
    const config = parseRunConfig(['--pact', manyPath, '--probes', '0'], {}) as RunConfig;
    const lines: string[] = [];
    const run = await prepareConformanceRun(config, { log: (line) => lines.push(line) });
    await run.execute();
    const result = run.result(true);

    expect(lines.find((l) => l.startsWith('worst case '))).to.match(/: 4 requests of up to /);
    expect(lines).to.include(
      'pact project-api-key-client: 99 passed, 0 failed, 0 warned, 0 skipped, 1 with notes',
    );
    expect(result.exchanges).to.have.length(4);
    const pactChecks = result.checks.filter((c) => c.category === 'pact');
    expect(pactChecks).to.have.length(100);
    expect(pactChecks.filter((c) => c.status !== 'pass').map((c) => [c.status, c.findings])).to.deep.equal([
      [
        'note',
        [
          {
            pointer: '/interactions/0/request/headers/Cookie',
            keyword: 'requestHeader',
            severity: 'note',
            message:
              'request header Cookie is never sent to the target (framing, another credential or a method override): verified without it',
          },
        ],
      ],
    ]);
    // A note about the pact: not a warning about the target.
    expect(result.summary.warnings).to.equal(0);
    expect(result.verdict).to.equal('pass');
  });
});
