import { expect } from 'chai';
import {
  PENDING_REASON,
  pactHonoured,
  summarize,
  verdictOf,
  withPendingAsWarnings,
} from '../../src/conformance/verdict.ts';
import { type CheckCategory, type CheckStatus, statusOf } from '../../src/core/check.ts';

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
      check('contract', 'note'),
    ];
    // Notes are about the document and the pact: counted apart, never among the target's warnings.
    expect(summarize(checks)).to.deep.equal({ passed: 2, failed: 1, warnings: 1, skipped: 1, notes: 1 });
  });

  it("grades a check by its findings' severities", () => {
    const finding = (severity: 'error' | 'warning' | 'note') => ({ pointer: '', message: 'm', severity });
    expect([
      statusOf([]),
      statusOf([finding('note')]),
      statusOf([finding('note'), finding('warning')]),
      statusOf([finding('warning')]),
      statusOf([finding('warning'), finding('error')]),
      statusOf([finding('note'), finding('error')]),
    ]).to.deep.equal(['pass', 'note', 'warn', 'warn', 'fail', 'fail']);
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

  it("keep a pending pact's notes about the document as notes: only its errors become warnings", () => {
    const note = {
      pointer: '/interactions/2/response/status',
      message: 'undocumented',
      severity: 'note' as const,
    };
    const [graded] = withPendingAsWarnings(
      [{ ...of('pending', 'contract'), findings: [error, note] }],
      new Set(['pending']),
    );
    expect(graded?.findings.map((f) => f.severity)).to.deep.equal(['warning', 'warning', 'note']);
  });

  it('leave the live checks failing: the target still breaks the OpenAPI document', () => {
    const graded = withPendingAsWarnings(
      [of('pending', 'schema'), of('pending', 'security')],
      new Set(['pending']),
    );
    expect(graded.map((c) => c.status)).to.deep.equal(['fail', 'fail']);
  });
});

describe('pactHonoured: what to publish to a broker for one pact', () => {
  const of = (pact: string, status: CheckStatus, category: CheckCategory = 'pact') => ({
    ...check(category, status),
    pact,
  });
  const cases: [string, ReturnType<typeof of>[], boolean][] = [
    ['its interactions passed', [of('web', 'pass'), of('web', 'skip')], true],
    ['one interaction failed', [of('web', 'pass'), of('web', 'fail')], false],
    ['nothing of it was verified', [of('web', 'skip')], false],
    ['only another pact failed', [of('web', 'pass'), of('cli', 'fail')], true],
    ['only a live check failed', [of('web', 'pass'), of('web', 'fail', 'schema')], true],
  ];
  for (const [label, checks, want] of cases) {
    it(`${want ? 'honoured' : 'not honoured'} when ${label}`, () => {
      expect(pactHonoured({ checks }, 'web')).to.equal(want);
    });
  }

  it('not honoured when pending failures were turned into warnings', () => {
    const failing = {
      ...of('web', 'fail'),
      findings: [{ pointer: '', message: 'x', severity: 'error' as const }],
    };
    const graded = withPendingAsWarnings([failing], new Set(['web']));
    expect(graded[0]?.status).to.equal('warn');
    expect(pactHonoured({ checks: graded }, 'web')).to.equal(false);
  });
});
