import { expect } from 'chai';
import { buildResult, displayPath, type ResultInput } from '../../../src/conformance/stages/result.ts';
import { NO_KEY_BODY_REASON, PENDING_REASON } from '../../../src/conformance/verdict.ts';
import type { LoadedPact } from '../../../src/contract/pact.ts';
import type { CheckResult } from '../../../src/core/check.ts';
import type { Exchange } from '../../../src/transport/exchange.ts';

const pact = (id: string, source: Partial<LoadedPact['source']> = {}): LoadedPact => ({
  source: { path: `/work/pacts/${id}.json`, ...source },
  id,
  path: `/work/pacts/${id}.json`,
  sha256: 'a'.repeat(64),
  consumer: id,
  provider: 'openai-admin-api',
  document: { interactions: [{}] },
  interactions: [{ description: 'd', state: undefined, requestHeaders: [] }],
});
const check = (
  category: CheckResult['category'],
  status: CheckResult['status'],
  pactId?: string,
): CheckResult => ({
  name: `${category} ${status}`,
  category,
  status,
  findings: status === 'fail' ? [{ pointer: '', message: 'wrong', severity: 'error' }] : [],
  durationMs: 1,
  ...(pactId ? { pact: pactId } : {}),
});
const exchange = (response: boolean, error?: string): Exchange => ({
  id: 'ex-1',
  request: { method: 'GET', url: 'http://t/x', headers: {} },
  ...(response
    ? { response: { status: 200, headers: {}, bodyExcerpt: '', bodyBytes: 0, truncated: false } }
    : {}),
  attempts: [],
  durationMs: 1,
  ...(error ? { error } : {}),
});
const input = (overrides: Partial<ResultInput>): ResultInput => ({
  complete: true,
  target: { baseUrl: 'http://t/v1', reference: false },
  spec: { path: '/work/schemas/openapi.yaml', sha256: 'b'.repeat(64), version: '2.3.0' },
  pacts: [pact('web')],
  startedAt: '2030-01-01T00:00:00.000Z',
  finishedAt: '2030-01-01T00:00:01.000Z',
  checks: [],
  exchanges: [exchange(true)],
  cwd: '/work',
  ...overrides,
});

describe('stage 5, the result', () => {
  it('passes a complete run whose key body was checked and nothing failed', () => {
    const result = buildResult(
      input({ checks: [check('pact', 'pass', 'web'), check('schema', 'pass', 'web')] }),
    );
    expect([result.verdict, result.incompleteReason]).to.deep.equal(['pass', undefined]);
  });

  it('fails a run that checked no key body, saying which flag to give', () => {
    const result = buildResult(
      input({ checks: [check('pact', 'pass', 'web'), check('schema', 'skip', 'web')] }),
    );
    expect([result.verdict, result.complete, result.incompleteReason]).to.deep.equal([
      'fail',
      true,
      NO_KEY_BODY_REASON,
    ]);
  });

  it('says what each key state got instead of a key body when its id was given', () => {
    const schema = (label: string, reason: string, pactId: string): CheckResult => ({
      ...check('schema', 'skip', pactId),
      name: `${label}: body is a ProjectApiKey`,
      skipReason: reason,
    });
    const result = buildResult(
      input({
        pacts: [pact('web'), pact('next')],
        checks: [
          schema(
            'key owned by a user',
            'status 200 with an HTML page ("text/html") instead of a key body',
            'web',
          ),
          schema(
            'key owned by a service account',
            'status 200 with an empty body instead of a key body',
            'web',
          ),
          schema(
            'key owned by a user',
            'status 200 with an HTML page ("text/html") instead of a key body',
            'next',
          ),
          schema(
            'key owned by a service account',
            'status 200 with an empty body instead of a key body',
            'next',
          ),
        ],
      }),
    );
    expect([result.verdict, result.incompleteReason]).to.deep.equal([
      'fail',
      'no key body was checked: key owned by a user: status 200 with an HTML page ("text/html") instead of a key body; key owned by a service account: status 200 with an empty body instead of a key body',
    ]);
  });

  it('says the target could not be reached when no exchange got a response', () => {
    const result = buildResult(input({ exchanges: [exchange(false, 'connection refused by 127.0.0.1:9')] }));
    expect(result.incompleteReason).to.equal(
      'target could not be reached: connection refused by 127.0.0.1:9',
    );
  });

  it('keeps the reason a stopped run gives', () => {
    const result = buildResult(input({ complete: false, incompleteReason: 'interrupted by SIGINT' }));
    expect([result.verdict, result.incompleteReason]).to.deep.equal(['fail', 'interrupted by SIGINT']);
  });

  it("turns a pending pact's failures into warnings, with the reason, so it does not fail the run", () => {
    const result = buildResult(
      input({
        pacts: [
          pact('web'),
          pact('next', { pending: true, consumerVersion: '2.0.0', url: 'https://broker.test/p' }),
        ],
        checks: [check('schema', 'pass', 'web'), check('pact', 'fail', 'next')],
      }),
    );
    expect(result.verdict).to.equal('pass');
    expect(result.summary).to.include({ failed: 0, warnings: 1 });
    expect(result.checks[1]?.findings[0]?.message).to.equal(PENDING_REASON);
    expect(result.pacts[1]).to.deep.equal({
      id: 'next',
      path: 'pacts/next.json',
      sha256: 'a'.repeat(64),
      consumer: 'next',
      provider: 'openai-admin-api',
      consumerVersion: '2.0.0',
      url: 'https://broker.test/p',
      pending: true,
    });
  });

  it('leaves secrets to the report writer, the one way out: the result holds what was gathered', () => {
    const secret = `sk-admin-${'Zz7'.repeat(14)}`;
    const leaky = { ...check('security', 'fail', 'web'), name: `echoed ${secret}` };
    expect(JSON.stringify(buildResult(input({ checks: [leaky] })))).to.include(secret);
  });

  it('shows paths relative to where the run started, absolute when outside it', () => {
    expect(displayPath('/work/pacts/a.json', '/work')).to.equal('pacts/a.json');
    expect(displayPath('/elsewhere/a.json', '/work')).to.equal('/elsewhere/a.json');
  });
});
