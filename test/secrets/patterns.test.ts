import { expect } from 'chai';
import { checkRedaction } from '../../src/conformance/semantic.ts';
import { redactResult } from '../../src/report/redact-result.ts';
import { findSecretKeys, keyPrefixOf, looksLikeSecretKey } from '../../src/secrets/patterns.ts';
import { REDACTED, redactSecrets } from '../../src/secrets/redact.ts';
import { passing } from '../report/fixtures.ts';

// Whole-looking keys are built at run time: no committed file holds one.
const body = (n: number) => 'Ab9_-'.repeat(Math.ceil(n / 5)).slice(0, n);

// Every shape is judged the same way by the console/transport redaction, the report redaction and the
// security check of a key body: one pattern set, so none can let through what another would catch.
const cases: { description: string; text: string; secret: boolean }[] = [
  { description: 'an admin key', text: `sk-admin-${body(40)}`, secret: true },
  { description: 'a project key', text: `sk-proj-${body(156)}`, secret: true },
  { description: 'a service-account key', text: `sk-svcacct-${body(60)}`, secret: true },
  { description: 'a legacy key with no kind', text: `sk-${body(48)}`, secret: true },
  { description: 'a key of a kind not known yet', text: `sk-None-${body(40)}`, secret: true },
  { description: 'the shortest whole-looking key', text: `sk-${body(20)}`, secret: true },
  { description: 'one character short of it', text: `sk-${body(19)}`, secret: false },
  { description: 'a placeholder', text: 'sk-admin-EXAMPLE', secret: false },
  { description: "the spec's elided example", text: 'sk-abc...def', secret: false },
  { description: "the real service's masked form", text: `sk-proj-${'*'.repeat(152)}excA`, secret: false },
  { description: 'sk- inside a longer word', text: `task-${body(40)}`, secret: false },
  { description: 'a key after a space', text: `key sk-proj-${body(40)} end`, secret: true },
];

describe('secret patterns: one set for redaction and the security checks', () => {
  for (const { description, text, secret } of cases) {
    it(`${description}: ${secret ? 'a secret to all' : 'not a secret to any'}`, () => {
      expect(findSecretKeys(text).length > 0, 'findSecretKeys').to.equal(secret);
      expect(redactSecrets(text, []).includes(REDACTED), 'console and transport redaction').to.equal(secret);
      const reported = redactResult({ ...passing(), incompleteReason: text }).incompleteReason;
      expect(reported?.includes(REDACTED), 'report redaction').to.equal(secret);
      const findings = checkRedaction({ redacted_value: 'sk-abc...def', name: text });
      expect(
        findings.some((f) => f.keyword === 'secretInBody'),
        'the security check',
      ).to.equal(secret);
    });
  }

  it('a report keeps only the kind of a redacted key, never a character of its secret part', () => {
    const legacy = `sk-abc-${body(40)}`;
    expect(keyPrefixOf(legacy)).to.equal('sk-');
    expect(keyPrefixOf(`sk-proj-${body(40)}`)).to.equal('sk-proj-');
    const result = { ...passing(), incompleteReason: `leaked ${legacy}` };
    expect(redactResult(result).incompleteReason).to.equal(`leaked sk-${REDACTED}`);
  });

  it('finds and redacts one key as long as the body cap (10 MB) without exhausting the regex stack', () => {
    const huge = `sk-proj-${body(10 * 1024 * 1024)}`;
    expect(findSecretKeys(` ${huge} `).map(({ index, key }) => [index, key.length])).to.deep.equal([
      [1, huge.length],
    ]);
    expect(redactSecrets(` ${huge} `, [])).to.equal(` ${REDACTED} `);
    expect(looksLikeSecretKey(huge)).to.equal(true);
  });

  it('tells a whole key from a value that merely contains one', () => {
    expect(looksLikeSecretKey(`sk-proj-${body(40)}`)).to.equal(true);
    expect(looksLikeSecretKey(`sk-proj-${body(40)}*`)).to.equal(false);
  });
});
