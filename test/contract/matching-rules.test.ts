import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { matchingRulesOf, ruleTokens } from '../../src/contract/matching-rules.ts';
import { checkPact } from '../../src/lib/index.ts';
import { DEFAULT_SPEC_PATH } from '../../src/openapi/default-path.ts';
import { readText } from '../helpers.ts';

// Matching rules as each tool writes them, read into one form; the paths Pact uses, as tokens.

describe('ruleTokens', () => {
  const cases: [string, unknown][] = [
    ['$', []],
    ['$.owner.type', [{ name: 'owner' }, { name: 'type' }]],
    ["$.owner['user']", [{ name: 'owner' }, { name: 'user' }]],
    ['$.data[*].id', [{ name: 'data' }, { any: true }, { name: 'id' }]],
    ['$.data[0]', [{ name: 'data' }, { index: 0 }]],
    ['$.owner.*', [{ name: 'owner' }, { any: true }]],
    ["$['a/b']", [{ name: 'a/b' }]],
    ['owner.type', undefined],
    ['$..type', undefined],
    ['$.a[', undefined],
  ];
  for (const [expression, want] of cases) {
    it(expression, () => expect(ruleTokens(expression)).to.deep.equal(want));
  }
});

describe('matchingRulesOf', () => {
  const at = ['interactions', 0, 'response'];
  const cases: { writer: string; rules: object; want: [part: string, tokens: unknown, at: unknown][] }[] = [
    {
      writer: 'pact-js V2 (the Ruby core): $.body and $.headers keys, one matcher each',
      rules: { '$.body.id': { match: 'type' }, '$.headers.Content-Type': { match: 'regex', regex: 'json' } },
      want: [
        ['body', [{ name: 'id' }], [...at, 'matchingRules', '$.body.id']],
        ['header', [{ name: 'Content-Type' }], [...at, 'matchingRules', '$.headers.Content-Type']],
      ],
    },
    {
      writer: "pact-go V2 (the Rust core): $.header.$['Content-Type'][0]",
      rules: {
        "$.header.$['Content-Type'][0]": { match: 'regex', regex: 'json' },
        '$.body': { match: 'type' },
      },
      want: [
        ['header', [{ name: 'Content-Type' }], [...at, 'matchingRules', "$.header.$['Content-Type'][0]"]],
        ['body', [], [...at, 'matchingRules', '$.body']],
      ],
    },
    {
      writer: 'V3/V4: categories, matchers listed, a header as $.Name[0], a status rule without a path',
      rules: {
        body: { '$.id': { combine: 'AND', matchers: [{ match: 'type' }] } },
        header: { '$.Authorization[0]': { combine: 'AND', matchers: [{ match: 'type' }] } },
        status: { combine: 'AND', matchers: [{ match: 'statusCode', status: 'success' }] },
      },
      want: [
        ['body', [{ name: 'id' }], [...at, 'matchingRules', 'body', '$.id']],
        ['header', [{ name: 'Authorization' }], [...at, 'matchingRules', 'header', '$.Authorization[0]']],
        ['status', [], [...at, 'matchingRules', 'status']],
      ],
    },
  ];
  for (const { writer, rules, want } of cases) {
    it(writer, () => {
      const read = matchingRulesOf({ matchingRules: rules }, at);
      expect(read.map((rule) => [rule.part, rule.tokens, rule.at])).to.deep.equal(want);
    });
  }
});

describe('a regex from a pact', () => {
  const pactWith = (regex: string) => ({
    metadata: { pactSpecification: { version: '3.0.0' } },
    interactions: [
      {
        description: 'a key',
        request: {
          method: 'GET',
          path: '/organization/projects/p/api_keys/k',
          headers: { Authorization: 'Bearer x' },
        },
        response: {
          status: 200,
          body: { owner: { type: 'user' } },
          matchingRules: {
            body: { '$.owner.type': { combine: 'AND', matchers: [{ match: 'regex', regex }] } },
          },
        },
      },
    ],
  });
  it('runs in linear time: a catastrophic pattern against a long enum member is judged, not a hang', () => {
    // A backtracking engine takes 2^40 steps to fail `^(a|a)*!$` on forty a's; RE2 takes forty.
    const dir = mkdtempSync(join(tmpdir(), 'redos-'));
    const spec = join(dir, 'openapi.yaml');
    writeFileSync(spec, readText(DEFAULT_SPEC_PATH).replace('- service_account', `- ${'a'.repeat(40)}`));
    try {
      const { ok, findings } = checkPact(pactWith('^(a|a)*!$'), { spec });
      expect(ok).to.equal(false);
      expect(findings[0]?.message).to.match(
        /matches none of the values the document allows at \/owner\/type: "user", "a{40}"$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('one RE2 cannot read (a lookahead) is a warning that says so, not a verdict', () => {
    const { ok, findings } = checkPact(pactWith('^(?=u)user$'));
    expect(ok).to.equal(true);
    expect(findings.map((f) => [f.severity, f.keyword])).to.deep.equal([['warning', 'regex']]);
    expect(findings[0]?.message).to.match(/is not checked: RE2 cannot read it/);
  });
});
