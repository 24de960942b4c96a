import { expect } from 'chai';
import {
  type CheckCategory,
  type CheckStatus,
  PENDING_REASON,
  statusOf,
  summarize,
  verdictOf,
  withPendingAsWarnings,
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
    [
      'the pact passed but no key body went through the schema check',
      [check('pact', 'pass'), check('transport', 'pass'), check('schema', 'skip'), check('security', 'pass')],
      true,
      'fail',
    ],
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

describe('pending pacts', () => {
  const error = { pointer: '/id', message: 'expected key_a', severity: 'error' as const, keyword: 'body' };
  const of = (pact: string, category: CheckCategory) => ({
    ...check(category, 'fail'),
    findings: [error],
    pact,
  });

  it("turn their own failing checks into warnings, led by the reason; other pacts' stay failures", () => {
    const checks = [of('pending', 'pact'), of('pending', 'contract'), of('firm', 'pact')];
    const graded = withPendingAsWarnings(checks, new Set(['pending']));
    expect(graded.map((c) => c.status)).to.deep.equal(['warn', 'warn', 'fail']);
    expect(graded[0]?.findings).to.deep.equal([
      { pointer: '', keyword: 'pending', severity: 'warning', message: PENDING_REASON },
      { ...error, severity: 'warning' },
    ]);
    expect(verdictOf([...graded.slice(0, 2), check('schema', 'pass')], true)).to.equal('pass');
  });

  it('leave the live checks failing: the target still breaks the OpenAPI document', () => {
    const graded = withPendingAsWarnings(
      [of('pending', 'schema'), of('pending', 'security')],
      new Set(['pending']),
    );
    expect(graded.map((c) => c.status)).to.deep.equal(['fail', 'fail']);
  });
});
