import { expect } from 'chai';
import { MAX_TALLY_EXCHANGE_IDS, RuleTally } from '../../src/conformance/rule-tally.ts';
import type { Finding } from '../../src/core/finding.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { redactResult } from '../../src/report/redact-result.ts';

// One check per rule over many subjects: counts of all of them, the first findings, never a pass on nothing.

const error = (message: string): Finding => ({ pointer: '/name', keyword: 'k', message, severity: 'error' });
const warning = (message: string): Finding => ({ pointer: '', keyword: 'w', message, severity: 'warning' });

describe('RuleTally: one check over many subjects', () => {
  it('counts every subject and keeps the first findings, each naming its subject', () => {
    const tally = new RuleTally('sweep: every listed key: body is a ProjectApiKey', 'schema', 'keys', 3);
    for (let i = 0; i < 10_000; i++) {
      if (i % 1000 === 0)
        tally.add(`key_${i}`, [error('broken'), error('broken again')], { exchangeIds: [`ex-${i}`] });
      else if (i === 1) tally.add('key_1', [warning('odd')]);
      else tally.add(`key_${i}`, [], { exchangeIds: [`ex-${i}`] });
    }
    tally.skip('no response');
    const check = tally.check(12, 'no key');
    expect(check.status).to.equal('fail');
    expect(check.tally).to.deep.equal({
      unit: 'keys',
      judged: 10_000,
      failed: 10,
      warned: 1,
      skipped: 1,
      findings: 21,
    });
    expect(check.findings.map((f) => f.message)).to.deep.equal([
      'key_0: broken',
      'key_0: broken again',
      'key_1: odd',
    ]);
    expect(check.exchangeIds?.length).to.be.at.most(MAX_TALLY_EXCHANGE_IDS);
    expect(check.exchangeIds).to.include('ex-1000');
  });

  it('warns when only warnings were found, and passes when subjects were judged clean', () => {
    const warned = new RuleTally('r', 'security', 'keys');
    warned.add('k', [warning('w')]);
    expect(warned.check(0, 'none').status).to.equal('warn');
    const clean = new RuleTally('r', 'security', 'keys');
    clean.add('k', []);
    expect(clean.check(0, 'none').status).to.equal('pass');
  });

  it('is skipped, never passed, when nothing was judged, saying why', () => {
    const tally = new RuleTally('r', 'transport', 'pages');
    expect(tally.check(0, 'no page of the list was read')).to.deep.include({
      status: 'skip',
      skipReason: 'no page of the list was read',
    });
    tally.skip('no response');
    expect(tally.check(0, 'no page of the list was read').skipReason).to.equal(
      'no page of the list was read: no response',
    );
  });

  it("the reports' bound counts the findings it did not keep", () => {
    const tally = new RuleTally('r', 'schema', 'keys', 200);
    for (let i = 0; i < 5000; i++) tally.add(`key_${i}`, [error('broken')]);
    const check = { ...tally.check(0, 'none'), durationMs: 0 };
    const result = { checks: [check], exchanges: [], pacts: [] } as unknown as ConformanceResult;
    const shown = redactResult(result, [], { maxChars: 2048, maxFindingsPerCheck: 25 }).checks[0];
    expect(shown?.findings).to.have.length(25);
    expect(shown?.findings.at(-1)?.message).to.equal('4976 more findings not shown (5000 in all)');
  });
});
