import { expect } from 'chai';
import {
  type CheckCategory,
  type CheckStatus,
  statusOf,
  summarize,
  verdictOf,
} from '../../src/conformance/result.ts';

const check = (category: CheckCategory, status: CheckStatus) => ({
  name: `${category} ${status}`,
  category,
  status,
  findings: [],
  durationMs: 0,
});

describe('the verdict', () => {
  const cases: [string, ReturnType<typeof check>[], boolean, 'pass' | 'fail'][] = [
    [
      'every check passed',
      [check('contract', 'warn'), check('pact', 'pass'), check('schema', 'pass')],
      true,
      'pass',
    ],
    ['warnings only', [check('schema', 'warn')], true, 'pass'],
    ['one check failed', [check('pact', 'pass'), check('security', 'fail')], true, 'fail'],
    ['the run was interrupted', [check('pact', 'pass')], false, 'fail'],
    [
      'only the contract was checked, the target skipped',
      [check('contract', 'pass'), check('pact', 'skip')],
      true,
      'fail',
    ],
    ['nothing at all', [], true, 'fail'],
  ];
  for (const [label, checks, complete, want] of cases) {
    it(`${want} when ${label}`, () => {
      expect(verdictOf(checks, complete)).to.equal(want);
    });
  }

  it('counts checks by status', () => {
    const checks = [
      check('pact', 'pass'),
      check('pact', 'pass'),
      check('schema', 'fail'),
      check('schema', 'warn'),
      check('transport', 'skip'),
    ];
    expect(summarize(checks)).to.deep.equal({ passed: 2, failed: 1, warnings: 1, skipped: 1 });
  });

  it("grades a check by its findings' severities", () => {
    const finding = (severity: 'error' | 'warning') => ({ pointer: '', message: 'm', severity });
    expect([
      statusOf([]),
      statusOf([finding('warning')]),
      statusOf([finding('warning'), finding('error')]),
    ]).to.deep.equal(['pass', 'warn', 'fail']);
  });
});
