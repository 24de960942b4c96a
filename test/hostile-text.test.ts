import { expect } from 'chai';
import { checkRedaction } from '../src/conformance/semantic.ts';
import { isJsonMediaType } from '../src/media-type.ts';
import { fromPactPath } from '../src/pointer.ts';
import { parseProviderJson } from '../src/provider-json.ts';
import { Redactor, redactSecrets } from '../src/redact.ts';
import { renderConsoleSummary } from '../src/report/console.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderJson } from '../src/report/json.ts';
import { renderJunit } from '../src/report/junit.ts';
import { markdownCode, markdownText, renderMarkdown } from '../src/report/markdown.ts';
import { redactResult } from '../src/report/redact.ts';
import { findingLine } from '../src/report/text.ts';
import { findSecretKeys } from '../src/secret-patterns.ts';
import { oneLine, visibleText } from '../src/text.ts';
import { bodyExcerpt } from '../src/transport/excerpt.ts';
import { parseRetryAfter } from '../src/transport/retry.ts';
import { check, resultOf } from './report/fixtures.ts';

// Every function that sees provider data, against values built to make a backtracking regular
// expression work super-linearly: long runs of what a pattern's loop matches with no end it can find.
// Each is linear by construction (see the comments at the patterns); what these tests bound is only
// mocha's timeout, which a linear pass meets many times over (tens of milliseconds per megabyte) and a
// quadratic one cannot meet at all (the old one-line formatter took 224 s on 100 KB, so six minutes on
// 128 KB and over an hour on 512 KB, against a 120 s timeout). Raw provider data is 512 KB here; the
// text helpers get 128 KB, because every report cuts a string to 2 KB before they see it. A larger
// value proves nothing more: how these scale from 1 to 8 MB is measured by `npm run bench:hostile`.

const RAW = 512 * 1024;
const SHOWN = 128 * 1024;
const fill = (unit: string, size = RAW) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

const HOSTILE_VALUES: [string, string][] = [
  ['spaces', fill(' ')],
  ['spaces with a line break at the very end', `${fill(' ')}\n`],
  ['tabs and non-breaking spaces', fill('\t\u00a0')],
  ['line breaks between spaces', fill(' \n \r\n ')],
  ['runs that almost make a key', fill('sk-proj-abcdefghijklmnopq!')],
  ['a key prefix over and over', fill('sk-')],
  ['one enormous key', `sk-admin-${fill('a')}`],
  ['bearer and whitespace', fill('Bearer      ')],
  ['nested quotes', fill(`"'\\"\\'`)],
  ['backslashes', fill('\\')],
  ['backticks', fill('`a`')],
  ['markup characters', fill('<>&|*_[]~')],
  ['control characters', fill('\u0000\u001b\f')],
  ['lone surrogates', fill('\uD800')],
];

const paths = { json: 'conformance.json', junit: 'junit.xml', html: 'report.html', markdown: 'summary.md' };
const resultHolding = (value: string) =>
  resultOf(
    [
      check(value, 'semantic', [
        { pointer: `/${value}`, keyword: value, message: value, severity: 'error' },
        { pointer: '/name', message: value, severity: 'warning' },
      ]),
    ],
    { complete: false, incompleteReason: value },
  );

/** The text helpers reports use on strings already cut to a report's limits. */
const helpers: [string, (value: string) => unknown][] = [
  ['visibleText', visibleText],
  ['oneLine', oneLine],
  ['markdownText', markdownText],
  ['markdownCode', (v) => markdownCode(v, true)],
  ['findingLine', (v) => findingLine({ pointer: v, message: v, severity: 'error', keyword: v })],
];

/** What reads provider data as it came. */
const uses: [string, (value: string) => unknown][] = [
  ['redactSecrets', (v) => redactSecrets(v, ['sk-admin-EXAMPLE-secret-value'])],
  ['Redactor.text', (v) => new Redactor(['s3cr3t-value-1234']).text(v)],
  ['findSecretKeys', findSecretKeys],
  ['checkRedaction', (v) => checkRedaction({ redacted_value: v, name: v, [v]: 1 })],
  ['parseProviderJson', (v) => parseProviderJson(JSON.stringify({ [v]: 1, id: 1 }))],
  ['bodyExcerpt', (v) => bodyExcerpt(Buffer.from(v), undefined, new Redactor(['s3cr3t-value-1234']))],
  ['isJsonMediaType', (v) => isJsonMediaType(`application/${v}`)],
  ['parseRetryAfter', (v) => parseRetryAfter(v, 0)],
  ['fromPactPath', (v) => fromPactPath(`$.a['${v}`)],
  ['redactResult', (v) => redactResult(resultHolding(v))],
  ['renderJson', (v) => renderJson(resultHolding(v))],
  ['renderJunit', (v) => renderJunit(resultHolding(v))],
  ['renderHtml', (v) => renderHtml(resultHolding(v))],
  ['renderMarkdown', (v) => renderMarkdown(resultHolding(v))],
  ['renderConsoleSummary', (v) => renderConsoleSummary(resultHolding(v), paths)],
];

describe('provider data of half a megabyte, built to make regular expressions backtrack', function () {
  this.timeout(120_000);
  for (const [name, use] of uses) {
    it(`${name} reads each hostile value of ${RAW / 1024} KB in one pass`, () => {
      for (const [, value] of HOSTILE_VALUES) use(value);
    });
  }
  for (const [name, use] of helpers) {
    it(`${name} reads each hostile value of ${SHOWN / 1024} KB in one pass`, () => {
      for (const [, value] of HOSTILE_VALUES) use(value.slice(0, SHOWN));
    });
  }

  it('the hostile values are what they say: half a megabyte each', () => {
    for (const [label, value] of HOSTILE_VALUES) expect(value.length, label).to.be.at.least(RAW);
  });

  it('oneLine still folds line breaks and the whitespace around them into one space', () => {
    expect(oneLine('a \n\n b')).to.equal('a b');
    expect(oneLine(' \r\n lead and trail \n ')).to.equal(' lead and trail ');
    expect(oneLine('a\n \n \nb')).to.equal('a b');
    expect(oneLine(`${' '.repeat(SHOWN)}x`)).to.have.length(SHOWN + 1);
  });
});
