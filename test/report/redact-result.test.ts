import { expect } from 'chai';
import { REDACTED, redactResult } from '../../src/report/redact-result.ts';
import { failing } from './fixtures.ts';

// Whole-looking keys are built at run time: no committed file may hold one.
const wholeKey = (kind: string) => `sk-${kind}-${'A1b2_C3d-'.repeat(5)}`;

describe('redactResult', () => {
  const leaky = () => {
    const result = failing();
    const [firstCheck] = result.checks;
    const [firstExchange] = result.exchanges;
    if (!firstCheck || !firstExchange?.response) throw new Error('fixture changed');
    firstCheck.findings[0] = {
      pointer: '/redacted_value',
      message: `whole key ${wholeKey('proj')}`,
      severity: 'error',
    };
    firstExchange.request.headers.Authorization = `Bearer ${wholeKey('admin')}`;
    firstExchange.response.bodyExcerpt = `{"redacted_value":"${wholeKey('svcacct')}","note":"my-admin-secret-value"}`;
    return result;
  };

  it('replaces every whole-looking key, credential header and given secret', () => {
    const text = JSON.stringify(redactResult(leaky(), ['my-admin-secret-value']));
    for (const kind of ['proj', 'admin', 'svcacct']) expect(text).not.to.include(wholeKey(kind));
    expect(text).not.to.include('my-admin-secret-value');
    expect(text).to.include(`Bearer ${REDACTED}`);
    expect(text).to.include(`sk-proj-${REDACTED}`);
  });

  it('leaves masked values, placeholders and short secrets alone', () => {
    const masked = `sk-proj-${'*'.repeat(40)}excA`;
    const result = failing();
    const finding = result.checks[0]?.findings[0];
    if (!finding) throw new Error('fixture changed');
    finding.message = `masked ${masked}, placeholder sk-admin-EXAMPLE, word error`;
    const out = redactResult(result, ['error', undefined]);
    expect(out.checks[0]?.findings[0]?.message).to.equal(finding.message);
  });

  it('does not change the result it was given', () => {
    const result = leaky();
    const before = JSON.stringify(result);
    redactResult(result, ['my-admin-secret-value']);
    expect(JSON.stringify(result)).to.equal(before);
  });
});
