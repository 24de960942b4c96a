import { expect } from 'chai';
import { PROBE_CONCURRENCY, SHRINK_BUDGET } from '../../src/conformance/probe-bounds.ts';
import type { ProbeContext, ProbeRequest } from '../../src/conformance/probe-requests.ts';
import type { ProbeOutcome } from '../../src/conformance/probe-rules.ts';
import { probeSender, UnsafeProbeError } from '../../src/conformance/probe-send.ts';
import { type ProbeStageOptions, probeStage } from '../../src/conformance/stages/probe.ts';
import { pathTemplate } from '../../src/core/path-template.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { contextOf, errorJson, outcomeOf, USER_KEY, wellBehaved } from './probe-fixtures.ts';

// The probe stage against targets that are functions: what it sends, how it judges, how it shrinks.

type Target = (request: ProbeRequest) => ProbeOutcome;

interface Staged {
  sent: { request: ProbeRequest; label: string }[];
  result: Awaited<ReturnType<typeof probeStage>>;
  maxInFlight: number;
  sleeps: number[];
}

const stage = async (
  target: Target,
  options: Partial<ProbeStageOptions> & { context?: ProbeContext } = {},
): Promise<Staged> => {
  const sent: Staged['sent'] = [];
  const sleeps: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const result = await probeStage({
    probes: 40,
    seed: 1234,
    context: options.context ?? contextOf(),
    urlOf: (request) => target(request).url,
    send: async (request, label) => {
      sent.push({ request, label });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return target(request);
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { sent, result, maxInFlight, sleeps };
};

const statuses = (staged: Staged) => Object.fromEntries(staged.result.checks.map((c) => [c.name, c.status]));
const generated = (staged: Staged) => staged.sent.filter((s) => !s.label.includes('shrink'));

describe('the probe stage', () => {
  it('passes every rule against a well-behaved target, each having judged something', async () => {
    const staged = await stage(wellBehaved(contextOf()));
    expect(staged.result.checks).to.have.length(9);
    for (const check of staged.result.checks) {
      expect(check.category).to.equal('probe');
      expect([check.name, check.status]).to.deep.equal([check.name, 'pass']);
    }
    expect(staged.result.probing).to.include({
      seed: 1234,
      probes: 40,
      shrinkRequests: 0,
      replay: '--seed 1234 --probes 40',
    });
  });

  it('sends the same requests for the same seed, and others for another', async () => {
    const key = (s: Staged) =>
      generated(s)
        .map(({ request }) => JSON.stringify(request))
        .sort();
    const [a, b, c] = await Promise.all([1, 1, 2].map((seed) => stage(wellBehaved(contextOf()), { seed })));
    expect(key(a as Staged)).to.deep.equal(key(b as Staged));
    expect(key(a as Staged)).not.to.deep.equal(key(c as Staged));
  });

  it(`keeps at most ${PROBE_CONCURRENCY} requests in flight`, async () => {
    const staged = await stage(wellBehaved(contextOf()), { probes: 200 });
    expect(staged.maxInFlight).to.equal(PROBE_CONCURRENCY);
  });

  it('never passes a rule with nothing to judge: a target that never answers fails one and skips the rest', async () => {
    const staged = await stage(() => outcomeOf(undefined, '', { failure: 'no response within 100 ms' }));
    const checks = staged.result.checks;
    expect(checks.filter((c) => c.status === 'pass')).to.deep.equal([]);
    expect(checks.find((c) => c.name.includes('answered'))?.status).to.equal('fail');
    for (const check of checks.filter((c) => c.status === 'skip')) expect(check.skipReason).to.match(/^no /);
    // It stops after a few unanswered in a row, rather than waiting out every probe.
    expect(generated(staged).length).to.be.at.most(3 + PROBE_CONCURRENCY - 1);
  });

  it('honours a 429’s Retry-After and never judges the 429', async () => {
    let limited = 0;
    const base = wellBehaved(contextOf());
    const staged = await stage(
      (request) =>
        limited++ < 3
          ? outcomeOf(429, errorJson('Rate limit reached.'), { headers: { 'retry-after': '2' } })
          : base(request),
      { maxPauseMs: 1500 },
    );
    expect(staged.result.checks.filter((c) => c.status === 'fail')).to.deep.equal([]);
    expect(staged.result.probing.rateLimited).to.equal(3);
    // Waited before the next probes, as long as the cap allows.
    expect(staged.sleeps.length).to.be.greaterThan(0);
    expect(Math.max(...staged.sleeps))
      .to.be.above(1000)
      .and.at.most(1500);
  });

  it('shrinks a failure to the smallest request that still fails, and says how to replay it', async () => {
    const base = wellBehaved(contextOf());
    // A 500 for any id with a character outside ASCII.
    const target: Target = (request) =>
      [...request.keyId].some((c) => (c.codePointAt(0) as number) > 0x7f)
        ? { ...base(request), status: 500, text: '' }
        : base(request);
    const staged = await stage(target, { seed: 99 });
    const failure = staged.result.probing.failures.find((f) => f.rule === 'not-a-server-error');
    expect(failure?.status).to.equal(500);
    expect(failure?.auth).to.equal('the admin key');
    expect(failure?.headers).to.deep.equal(['authorization', 'accept']);
    // The smallest: one non-ASCII character put before a known id.
    const id = decodeURIComponent(failure?.path.split('/').at(-1) ?? '');
    expect(id.endsWith(USER_KEY) || id.endsWith('key_Sa9NcF2hJx5LbQ7d'), id).to.equal(true);
    expect([...id.normalize('NFC')].length - USER_KEY.length, id).to.equal(1);
    expect(failure?.shrinks).to.be.greaterThan(0);
    const check = staged.result.checks.find((c) => c.name === 'probes: no 5xx for any generated request');
    expect(check?.status).to.equal('fail');
    expect(check?.findings[0]?.keyword).to.equal('smallest');
    expect(check?.findings[0]?.message).to.include('replay: --seed 99 --probes 40');
  });

  it('spends no more than its shrink budget', async () => {
    // Everything fails every rule it can: a 500 for all.
    const staged = await stage(() => outcomeOf(500, 'at f (/srv/app.js:1:1)'));
    const shrinking = staged.sent.filter((s) => s.label.includes('shrink'));
    expect(shrinking.length).to.be.at.most(SHRINK_BUDGET);
    expect(staged.result.probing.shrinkRequests).to.equal(shrinking.length);
    expect(statuses(staged)['probes: no 5xx for any generated request']).to.equal('fail');
  });

  it('stops when the run stops, counting what it did not send as not sent', async () => {
    const controller = new AbortController();
    let answered = 0;
    const base = wellBehaved(contextOf());
    const staged = await stage(
      (request) => {
        if (++answered === 5) controller.abort();
        return base(request);
      },
      { signal: controller.signal },
    );
    expect(generated(staged).length).to.be.below(10);
    expect(staged.result.probing.sent).to.be.below(10);
  });
});

describe('the probe sender', () => {
  const sender = (reference: boolean, methods: string[]) =>
    probeSender({
      transport: {
        send: async (request) => {
          methods.push(request.method);
          return {
            status: 405,
            statusText: '',
            headerPairs: [],
            headers: {},
            body: Buffer.from(''),
            url: '',
          } as never;
        },
      } as Pick<Transport, 'send'>,
      recorder: { exchangesOf: () => [] },
      baseUrl: 'http://127.0.0.1:9/v1',
      path: pathTemplate('/organization/projects/{project_id}/api_keys/{key_id}'),
      adminKey: 'sk-admin-EXAMPLE',
      reference,
    });
  const request = (method: string): ProbeRequest => ({
    category: 'methods',
    method,
    projectId: 'proj_a',
    keyId: 'key_a/..',
    auth: { kind: 'admin' },
    query: [['debug', '1']],
    accept: undefined,
  });

  for (const method of ['DELETE', 'POST', 'PUT', 'PATCH']) {
    it(`refuses to send ${method} to a live target, before anything is sent`, async () => {
      const methods: string[] = [];
      let thrown: unknown;
      await sender(false, methods)
        .send(request(method), 'probe 1')
        .catch((error) => (thrown = error));
      expect(thrown).to.be.instanceOf(UnsafeProbeError);
      expect(methods).to.deep.equal([]);
      await sender(true, methods).send(request(method), 'probe 1');
      expect(methods).to.deep.equal([method]);
    });
  }

  it('puts each id in one percent-encoded segment, under the base path, with the query', () => {
    expect(sender(false, []).urlOf(request('GET'))).to.equal(
      'http://127.0.0.1:9/v1/organization/projects/proj_a/api_keys/key_a%2F..?debug=1',
    );
  });
});
