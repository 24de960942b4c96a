import { expect } from 'chai';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { renderHtml } from '../../src/report/html.ts';
import { check, resultOf } from './fixtures.ts';

// The page's markup without a browser: a hostile value in any field the page shows stays text.

/** Breaks out of an element, of a quoted attribute and of the style sheet, and opens a tag. */
const PAYLOAD = `<script>window.__pwned = true</script>"onmouseover="alert(1)' x='</style><b>`;
const ESCAPED =
  '&lt;script&gt;window.__pwned = true&lt;/script&gt;&quot;onmouseover=&quot;alert(1)&#39; x=&#39;&lt;/style&gt;&lt;b&gt;';

/** A result with `text(field)` in every free-text field the page shows; the fields it asked for. */
const resultWith = (text: (field: string) => string): { result: ConformanceResult; fields: string[] } => {
  const fields: string[] = [];
  const t = (field: string) => {
    fields.push(field);
    return text(field);
  };
  const base = resultOf(
    [
      check(t('check.name'), 'schema', [
        {
          pointer: t('finding.pointer'),
          message: t('finding.message'),
          severity: 'error',
          keyword: t('finding.keyword'),
        },
      ]),
      check(t('skipped check.name'), 'transport', [], { status: 'skip', skipReason: t('check.skipReason') }),
      check(t('retried check.name'), 'transport', [], { attempts: 2 }),
    ],
    {
      complete: false,
      incompleteReason: t('incompleteReason'),
      exchanges: [
        {
          id: t('exchange.id'),
          check: t('exchange.check'),
          request: {
            method: t('request.method'),
            url: t('request.url'),
            headers: { [t('request header name')]: t('request header value') },
          },
          response: {
            status: 200,
            headers: { [t('response header name')]: t('response header value') },
            bodyExcerpt: t('response.bodyExcerpt'),
            bodyBytes: 10,
            truncated: false,
          },
          attempts: [
            { startedAt: t('attempt.startedAt'), durationMs: 1, error: t('attempt.error'), waitMs: 5 },
          ],
          durationMs: 1,
        },
        {
          id: 'ex-refused',
          request: { method: 'GET', url: 'http://127.0.0.1:9/', headers: {} },
          attempts: [],
          durationMs: 1,
          error: t('exchange.error'),
        },
      ],
    },
  );
  const result: ConformanceResult = {
    ...base,
    target: { baseUrl: t('target.baseUrl'), reference: true },
    spec: { path: t('spec.path'), version: t('spec.version'), sha256: t('spec.sha256') },
    pacts: [
      {
        id: 'pact-1',
        path: t('pact.path'),
        sha256: t('pact.sha256'),
        consumer: t('pact.consumer'),
        provider: t('pact.provider'),
      },
      ...[true, false].map((published, i) => ({
        id: `broker-${i}`,
        path: 'broker.json',
        sha256: 'b'.repeat(64),
        consumer: 'c',
        provider: 'p',
        consumerVersion: t(`broker pact ${i} consumerVersion`),
        url: t(`broker pact ${i} url`),
        pending: true,
        selectedBecause: t(`broker pact ${i} selectedBecause`),
        notices: [t(`broker pact ${i} notice`)],
        publication: {
          published,
          success: false,
          providerVersion: t(`broker pact ${i} providerVersion`),
          providerBranch: t(`broker pact ${i} providerBranch`),
          ...(published ? { url: t('publication.url') } : { error: t('publication.error') }),
        },
      })),
    ],
    startedAt: t('startedAt'),
    finishedAt: t('finishedAt'),
  };
  return { result, fields };
};

const hostile = resultWith((field) => `[${field}]${PAYLOAD}`);
const benign = resultWith((field) => `[${field}]x`);

/** Each tag as a browser reads it: its name and its attributes' names (quoted values left out), in order. */
const skeleton = (page: string): string[] =>
  [...page.matchAll(/<(\/?[a-zA-Z][\w-]*)([^>]*)>/g)].map(([, name, attributes]) =>
    [name, ...(attributes ?? '').replace(/"[^"]*"|'[^']*'/g, '').matchAll(/[^\s=]+/g)].join(' '),
  );

describe('renderHtml escapes every value it shows', () => {
  const page = renderHtml(hostile.result);

  it('shows each field, escaped', () => {
    expect(hostile.fields).to.have.length.above(20);
    const missing = hostile.fields.filter((field) => !page.includes(`[${field}]${ESCAPED}`));
    expect(missing).to.deep.equal([]);
  });

  it('adds no element and no attribute: the tags are those of the same page with harmless values', () => {
    expect(skeleton(page)).to.deep.equal(skeleton(renderHtml(benign.result)));
    expect(page).not.to.match(/<script/i);
    expect(page.match(/<\/style>/g)).to.have.length(1);
  });

  it('links a broker pact only by an http(s) URL, its characters escaped', () => {
    const [pact] = hostile.result.pacts.slice(1);
    const linked = renderHtml({
      ...hostile.result,
      pacts: [{ ...pact, url: `https://broker.example.test/pacts/${PAYLOAD}` } as NonNullable<typeof pact>],
    });
    expect(linked).to.include('<a href="https://broker.example.test/pacts/%3Cscript%3E');
    expect(linked).not.to.match(/<script/i);
    const scripted = renderHtml({
      ...hostile.result,
      pacts: [{ ...pact, url: 'javascript:alert(1)' } as NonNullable<typeof pact>],
    });
    expect(scripted).not.to.include('href="javascript:');
    expect(scripted).to.include('<code>javascript:alert(1)</code>');
  });

  it('the tag comparison can fail: it sees one value inserted raw', () => {
    const injected = page.replace(ESCAPED, PAYLOAD);
    expect(skeleton(injected)).not.to.deep.equal(skeleton(renderHtml(benign.result)));
  });
});
