import { expect } from 'chai';
import { findingsOfMismatch, outcomesOf } from '../../src/contract/verification-result.ts';
import type { Finding } from '../../src/core/finding.ts';

describe('findingsOfMismatch', () => {
  const cases: {
    description: string;
    mismatch: Parameters<typeof findingsOfMismatch>[0];
    want: Finding[];
  }[] = [
    {
      description: 'a body mismatch at a Pact path: a pointer',
      mismatch: {
        type: 'BodyMismatch',
        path: '$.owner.type',
        expected: '"user"',
        actual: '"robot"',
        mismatch: "Expected 'robot' to match '^(?:user|service_account)$'",
      },
      want: [
        {
          pointer: '/owner/type',
          keyword: 'body',
          severity: 'error',
          message: "Expected 'robot' to match '^(?:user|service_account)$'",
        },
      ],
    },
    {
      description: 'missing keys: one required finding per key, at its own pointer',
      mismatch: {
        type: 'BodyMismatch',
        path: '$.owner.user',
        expected: '["added_at","email","id"]',
        actual: '["id"]',
        mismatch: 'Actual map is missing the following keys: added_at, email',
      },
      want: [
        {
          pointer: '/owner/user/added_at',
          keyword: 'required',
          severity: 'error',
          message: 'required property "added_at" is missing',
        },
        {
          pointer: '/owner/user/email',
          keyword: 'required',
          severity: 'error',
          message: 'required property "email" is missing',
        },
      ],
    },
    {
      description:
        'an empty body: at the body root, saying the body is empty (Pact says "/" for the whole body)',
      mismatch: {
        type: 'BodyMismatch',
        path: '/',
        expected: '{"id":"key_user_abc"}',
        actual: null,
        mismatch: 'Expected body Present(366 bytes, application/json) but was empty',
      },
      want: [
        {
          pointer: '',
          keyword: 'body',
          severity: 'error',
          message: 'the body is empty; the pact expects one (366 bytes, application/json)',
        },
      ],
    },
    {
      description: 'any other whole-body mismatch: at the body root, in Pact’s words',
      mismatch: {
        type: 'BodyMismatch',
        path: '/',
        expected: null,
        actual: 'x',
        mismatch: "Expected an empty body but received 'x'",
      },
      want: [
        {
          pointer: '',
          keyword: 'body',
          severity: 'error',
          message: "Expected an empty body but received 'x'",
        },
      ],
    },
    {
      description: 'a status mismatch: the status, expected and actual',
      mismatch: { type: 'StatusMismatch', expected: 404, actual: 200, mismatch: 'expected 404 but was 200' },
      want: [{ pointer: '', keyword: 'status', severity: 'error', message: 'status: expected 404, got 200' }],
    },
    {
      description: 'a header mismatch names the header',
      mismatch: {
        type: 'HeaderMismatch',
        key: 'Content-Type',
        expected: 'application/json',
        actual: 'text/html',
        mismatch: "Expected header 'Content-Type' to have value 'application/json' but was 'text/html'",
      },
      want: [
        {
          pointer: '',
          keyword: 'header',
          severity: 'error',
          message:
            "header Content-Type: Expected header 'Content-Type' to have value 'application/json' but was 'text/html'",
        },
      ],
    },
  ];
  for (const { description, mismatch, want } of cases) {
    it(description, () => expect(findingsOfMismatch(mismatch)).to.deep.equal(want));
  }
});

describe('outcomesOf', () => {
  const interactions = [
    { description: 'a', state: 'state a' },
    { description: 'b', state: 'state b' },
    { description: 'c', state: 'state c' },
  ];
  it('passes OK interactions, fails those with errors, skips states not set up whatever Pact said', () => {
    const outcomes = outcomesOf(
      interactions,
      {
        interactionResults: [
          { description: 'a', result: 'OK' },
          { description: 'b', result: 'Error' },
          { description: 'c', result: 'Error' },
        ],
        errors: [
          {
            interaction: 'Verifying a pact between x and y Given state b - b',
            mismatch: {
              type: 'mismatches',
              mismatches: [{ type: 'StatusMismatch', expected: 200, actual: 500 }],
            },
          },
          {
            interaction: 'Verifying a pact between x and y Given state c - c',
            mismatch: {
              type: 'mismatches',
              mismatches: [{ type: 'StatusMismatch', expected: 200, actual: 412 }],
            },
          },
        ],
      },
      new Map([['state c', { kind: 'skip', reason: 'cannot set up' } as const]]),
    );
    expect(outcomes.map((o) => [o.description, o.status, o.findings.length, o.reason])).to.deep.equal([
      ['a', 'pass', 0, undefined],
      ['b', 'fail', 1, undefined],
      ['c', 'skip', 0, 'cannot set up'],
    ]);
  });

  it('fails an interaction Pact did not report on, rather than passing it', () => {
    const [outcome] = outcomesOf(interactions.slice(0, 1), { interactionResults: [] });
    expect(outcome?.status).to.equal('fail');
    expect(outcome?.findings[0]?.keyword).to.equal('pact');
  });
});
