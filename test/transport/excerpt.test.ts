import { expect } from 'chai';
import { truncationMark } from '../../src/core/truncate.ts';
import { Redactor } from '../../src/secrets/redact.ts';
import { bodyExcerpt, EXCERPT_CHARS } from '../../src/transport/excerpt.ts';

describe('bodyExcerpt', () => {
  const secret = `secret-${'q'.repeat(30)}`;
  const redactor = new Redactor([secret]);
  const text = (body: string, encoding?: string, totalBytes?: number) =>
    bodyExcerpt(Buffer.from(body), encoding, redactor, totalBytes);

  it('shows a short body whole and an empty one as nothing', () => {
    expect(text('{"id":"key_abc"}')).to.equal('{"id":"key_abc"}');
    expect(text('')).to.equal('');
  });

  it(`cuts a long body to ${EXCERPT_CHARS} characters, saying how many bytes it had`, () => {
    const mark = truncationMark({ count: 10_000, unit: 'bytes' });
    expect(mark).to.equal('… (10000 bytes, truncated)');
    expect(text('x'.repeat(10_000))).to.equal(`${'x'.repeat(EXCERPT_CHARS - mark.length)}${mark}`);
  });

  it('counts the bytes received, not only those kept under the cap', () => {
    expect(text('abc', undefined, 5_000_000)).to.equal('abc… (5000000 bytes, truncated)');
  });

  const total = EXCERPT_CHARS + 200;
  const cut = EXCERPT_CHARS - truncationMark({ count: total, unit: 'bytes' }).length;
  for (const offset of [-20, -5, -1, 0]) {
    it(`leaves no part of a secret starting ${-offset} characters before the cut`, () => {
      const before = 'x'.repeat(cut + offset);
      const after = ' '.repeat(total - before.length - secret.length);
      const excerpt = text(`${before}${secret}${after}`);
      expect(excerpt).to.have.length.at.most(EXCERPT_CHARS);
      expect(excerpt.startsWith(before)).to.equal(true);
      expect(excerpt).not.to.include('secret-');
      expect(excerpt).to.match(/… \(2248 bytes, truncated\)$/);
    });
  }

  it('describes an encoded body rather than showing its bytes', () => {
    expect(text('\x1f\x8b binary', 'gzip')).to.equal('[gzip-encoded body of 10 bytes not shown]');
    expect(text('plain', 'identity')).to.equal('plain');
  });
});
