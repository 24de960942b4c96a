import { expect } from 'chai';
import { DEFAULT_POLICY } from '../../src/transport/policy.ts';
import { isRetryable, parseRetryAfter, type RetryDelay, retryDelay } from '../../src/transport/retry.ts';
import type { TransportErrorKind } from '../../src/transport/transport-error.ts';

describe('isRetryable', () => {
  const cases: [method: string, outcome: number | TransportErrorKind, want: boolean][] = [
    ['GET', 408, true],
    ['GET', 409, true],
    ['GET', 429, true],
    ['GET', 500, true],
    ['GET', 503, true],
    ['GET', 599, true],
    ['GET', 200, false],
    ['GET', 301, false],
    ['GET', 400, false],
    ['GET', 401, false],
    ['GET', 404, false],
    ['get', 503, true],
    ['HEAD', 503, true],
    ['OPTIONS', 'timeout', true],
    ['PUT', 'connection', true],
    ['DELETE', 429, true],
    ['GET', 'timeout', true],
    ['GET', 'connection', true],
    ['GET', 'too-large', false],
    ['GET', 'protocol', false],
    ['POST', 503, false],
    ['POST', 'connection', false],
    ['PATCH', 429, false],
  ];
  for (const [method, outcome, want] of cases) {
    it(`${want ? 'retries' : 'does not retry'} ${method} after ${outcome}`, () => {
      expect(isRetryable(method, outcome)).to.equal(want);
    });
  }
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  const cases: [value: string | undefined, want: number | undefined][] = [
    ['1', 1000],
    ['0', 0],
    [' 30 ', 30_000],
    ['1.5', 1500],
    ['Tue, 01 Jan 2030 12:00:03 GMT', 3000],
    ['Tue, 01 Jan 2030 11:59:00 GMT', 0],
    ['-1', undefined],
    ['soon', undefined],
    ['10s', undefined],
    ['', undefined],
    [undefined, undefined],
    ['Xyz, 99 Foo 2030 99:99:99 GMT', undefined],
  ];
  for (const [value, want] of cases) {
    it(`reads ${JSON.stringify(value)} as ${want} ms`, () => {
      expect(parseRetryAfter(value, now)).to.equal(want);
    });
  }
});

describe('retryDelay', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  const cases: {
    description: string;
    retry: number;
    headers: Record<string, string>;
    random: number;
    want: RetryDelay;
  }[] = [
    {
      description: 'first backoff: a random share of baseDelayMs',
      retry: 0,
      headers: {},
      random: 0.5,
      want: { ms: 50, source: 'backoff', capped: false },
    },
    {
      description: 'backoff doubles',
      retry: 2,
      headers: {},
      random: 0.5,
      want: { ms: 200, source: 'backoff', capped: false },
    },
    {
      description: 'backoff stops growing at maxDelayMs',
      retry: 10,
      headers: {},
      random: 0.999,
      want: { ms: 999, source: 'backoff', capped: false },
    },
    {
      description: 'full jitter can wait nothing',
      retry: 3,
      headers: {},
      random: 0,
      want: { ms: 0, source: 'backoff', capped: false },
    },
    {
      description: 'Retry-After in seconds',
      retry: 0,
      headers: { 'retry-after': '2' },
      random: 0.5,
      want: { ms: 2000, source: 'retry-after', hint: '2', capped: false },
    },
    {
      description: 'Retry-After as a date',
      retry: 0,
      headers: { 'retry-after': 'Tue, 01 Jan 2030 12:00:04 GMT' },
      random: 0.5,
      want: { ms: 4000, source: 'retry-after', hint: 'Tue, 01 Jan 2030 12:00:04 GMT', capped: false },
    },
    {
      description: 'retry-after-ms before Retry-After',
      retry: 0,
      headers: { 'retry-after-ms': '250', 'retry-after': '2' },
      random: 0.5,
      want: { ms: 250, source: 'retry-after-ms', hint: '250', capped: false },
    },
    {
      description: 'an unreadable retry-after-ms falls back to Retry-After',
      retry: 0,
      headers: { 'retry-after-ms': 'x', 'retry-after': '2' },
      random: 0.5,
      want: { ms: 2000, source: 'retry-after', hint: '2', capped: false },
    },
    {
      description: 'a hint over maxRetryAfterMs is cut to it',
      retry: 0,
      headers: { 'retry-after': '3600' },
      random: 0.5,
      want: { ms: 5000, source: 'retry-after', hint: '3600', capped: true },
    },
    {
      description: 'a hint is not limited by maxDelayMs',
      retry: 0,
      headers: { 'retry-after-ms': '3000' },
      random: 0.5,
      want: { ms: 3000, source: 'retry-after-ms', hint: '3000', capped: false },
    },
  ];
  for (const { description, retry, headers, random, want } of cases) {
    it(description, () => {
      expect(retryDelay(retry, headers, policy, () => random, now)).to.deep.equal(want);
    });
  }

  it('stays within [0, maxDelayMs) for the default policy whatever the jitter', () => {
    for (let retry = 0; retry < 20; retry++) {
      for (const random of [0, 0.25, 0.999999]) {
        const { ms } = retryDelay(retry, {}, DEFAULT_POLICY, () => random, now);
        expect(ms).to.be.within(0, DEFAULT_POLICY.maxDelayMs - 1);
      }
    }
  });
});
