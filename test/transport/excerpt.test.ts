import { expect } from 'chai';
import { Redactor } from '../../src/redact.ts';
import { bodyExcerpt, EXCERPT_CHARS } from '../../src/transport/excerpt.ts';

describe('bodyExcerpt', () => {
  const secret = `secret-${'q'.repeat(30)}`;
  const redactor = new Redactor([secret]);
  const text = (body: string, headers = {}) => bodyExcerpt(Buffer.from(body), headers, redactor);

  it('shows a short body whole and an empty one as nothing', () => {
    expect(text('{"id":"key_abc"}')).to.equal('{"id":"key_abc"}');
    expect(text('')).to.equal('');
  });

  it(`cuts a long body at ${EXCERPT_CHARS} characters`, () => {
    expect(text('x'.repeat(10_000))).to.equal('x'.repeat(EXCERPT_CHARS));
  });

  for (const offset of [-20, -5, -1, 0]) {
    it(`leaves no part of a secret starting ${-offset} characters before the cut`, () => {
      const before = 'x'.repeat(EXCERPT_CHARS + offset);
      const after = ' and more'.repeat(10);
      const excerpt = text(`${before}${secret}${after}`);
      expect(excerpt).to.equal(`${before}[REDACTED]${after}`.slice(0, EXCERPT_CHARS));
      expect(excerpt).not.to.include('secret-');
    });
  }

  it('describes an encoded body rather than showing its bytes', () => {
    expect(text('\x1f\x8b binary', { 'content-encoding': 'gzip' })).to.equal(
      '[gzip-encoded body of 10 bytes not shown]',
    );
    expect(text('plain', { 'content-encoding': 'identity' })).to.equal('plain');
  });
});
