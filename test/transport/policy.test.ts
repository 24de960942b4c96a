import { expect } from 'chai';
import {
  DEFAULT_POLICY,
  resolvePolicy,
  type TransportPolicy,
  worstCaseMs,
} from '../../src/transport/policy.ts';

describe('resolvePolicy', () => {
  it('gives the defaults, overridden setting by setting', () => {
    expect(resolvePolicy()).to.deep.equal(DEFAULT_POLICY);
    expect(resolvePolicy({ retries: 0, timeoutMs: 200 })).to.deep.equal({
      ...DEFAULT_POLICY,
      retries: 0,
      timeoutMs: 200,
    });
    expect(DEFAULT_POLICY).to.include({ retries: 2, maxBodyBytes: 10 * 1024 * 1024 });
  });

  const invalid: [Partial<Record<keyof TransportPolicy | 'bogus', number>>, RegExp][] = [
    [{ timeoutMs: 0 }, /timeoutMs must be a positive number \(got 0\)/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a positive number/],
    [{ retries: -1 }, /retries must be a non-negative integer \(got -1\)/],
    [{ retries: 1.5 }, /retries must be a non-negative integer/],
    [{ maxBodyBytes: 0 }, /maxBodyBytes must be a positive integer/],
    [{ baseDelayMs: Number.POSITIVE_INFINITY }, /baseDelayMs must be a non-negative number/],
    [{ bogus: 1 }, /unknown setting "bogus"/],
  ];
  for (const [overrides, message] of invalid) {
    it(`refuses ${JSON.stringify(overrides)}`, () => {
      expect(() => resolvePolicy(overrides as Partial<TransportPolicy>)).to.throw(RangeError, message);
    });
  }
});

describe('worstCaseMs', () => {
  const cases: [Partial<TransportPolicy>, number][] = [
    [{ retries: 0, timeoutMs: 1000 }, 1000],
    [{ retries: 2, timeoutMs: 1000, maxDelayMs: 200, maxRetryAfterMs: 500 }, 3000 + 2 * 500],
    [{ retries: 1, timeoutMs: 100, maxDelayMs: 8000, maxRetryAfterMs: 0 }, 200 + 8000],
    // A Retry-After wait never exceeds the timeout: default flags no longer allow minutes per request.
    [{ retries: 2, timeoutMs: 1000, maxDelayMs: 200, maxRetryAfterMs: 60_000 }, 3000 + 2 * 1000],
  ];
  for (const [overrides, want] of cases) {
    it(`is ${want} ms for ${JSON.stringify(overrides)}`, () => {
      expect(worstCaseMs(resolvePolicy(overrides))).to.equal(want);
    });
  }
});
