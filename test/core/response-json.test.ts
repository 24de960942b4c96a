import { expect } from 'chai';
import { MAX_DUPLICATE_FINDINGS, parseProviderJson } from '../../src/core/response-json.ts';

describe('parseProviderJson', () => {
  const cases: { description: string; text: string; want: unknown | string[] }[] = [
    { description: 'an object', text: '{"id":"key_abc","n":1}', want: { id: 'key_abc', n: 1 } },
    { description: 'a string', text: '"x"', want: 'x' },
    { description: 'null', text: 'null', want: null },
    {
      description: 'the same key in two objects',
      text: '{"a":{"id":1},"b":{"id":2}}',
      want: { a: { id: 1 }, b: { id: 2 } },
    },
    {
      description: 'braces, quotes, commas and escapes inside strings',
      text: '{"a":"{\\"a\\":1,","b":"\\\\","c":["}",",","\\"a\\":"]}',
      want: { a: '{"a":1,', b: '\\', c: ['}', ',', '"a":'] },
    },
    {
      description: 'a key twice at the root, the first another id',
      text: '{"id":"key_other","id":"key_abc"}',
      want: ['/id'],
    },
    {
      description: 'a key twice in a nested object',
      text: '{"owner":{"user":{"id":1,"role":2,"id":3}}}',
      want: ['/owner/user/id'],
    },
    {
      description: 'a key twice inside an array item',
      text: '{"data":[{},{"x":1,"x":1}]}',
      want: ['/data/1/x'],
    },
    { description: 'a key twice, once written with an escape', text: '{"id":1,"\\u0069d":2}', want: ['/id'] },
    { description: 'a key needing pointer escapes', text: '{"a/b~c":1,"a/b~c":2}', want: ['/a~1b~0c'] },
    { description: 'an empty key twice', text: '{"":1,"":2}', want: ['/'] },
    { description: 'whitespace everywhere', text: ' { "k" : 1 ,\n "k" : 2 } ', want: ['/k'] },
  ];
  for (const { description, text, want } of cases) {
    it(`${description}: ${Array.isArray(want) ? `refused at ${want.join(', ')}` : 'read'}`, () => {
      const parsed = parseProviderJson(text);
      if (Array.isArray(want)) {
        expect(parsed.ok).to.equal(false);
        if (parsed.ok) return;
        expect(parsed.findings.map((f) => [f.pointer, f.keyword, f.severity])).to.deep.equal(
          want.map((pointer) => [pointer, 'duplicateKey', 'error']),
        );
      } else {
        expect(parsed).to.deep.equal({ ok: true, value: want });
      }
    });
  }

  it('names the key and why it matters', () => {
    const parsed = parseProviderJson('{"id":"key_other","id":"key_abc"}');
    expect(parsed.ok ? [] : parsed.findings.map((f) => f.message)).to.deep.equal([
      'key "id" appears twice in one object; JSON parsers disagree on which value wins, so the body means different things to different clients',
    ]);
  });

  it('says a body that is not JSON is not JSON, without quoting it', () => {
    const parsed = parseProviderJson('\u001f\u008b sk-admin-secret-in-a-body');
    expect(parsed).to.deep.equal({
      ok: false,
      findings: [{ pointer: '', keyword: 'json', message: 'body is not JSON', severity: 'error' }],
    });
  });

  it(`reports ${MAX_DUPLICATE_FINDINGS} duplicates one by one and counts the rest`, () => {
    const text = `{${Array.from({ length: 100_000 }, () => '"a":1').join(',')}}`;
    const parsed = parseProviderJson(text);
    expect(parsed.ok).to.equal(false);
    if (parsed.ok) return;
    expect(parsed.findings).to.have.length(MAX_DUPLICATE_FINDINGS + 1);
    expect(parsed.findings.at(-1)?.message).to.equal(
      `${99_999 - MAX_DUPLICATE_FINDINGS} more duplicate keys (99999 in all)`,
    );
  });

  it('reads a body nested 200 000 deep (far past any call stack), finding a duplicate at the bottom', () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}{"k":1,"k":2}${']'.repeat(depth)}`;
    const parsed = parseProviderJson(text);
    expect(parsed.ok).to.equal(false);
    if (parsed.ok) return;
    expect(parsed.findings[0]?.pointer).to.equal(`${'/0'.repeat(depth)}/k`);
  });
});
