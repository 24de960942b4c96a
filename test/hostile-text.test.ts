import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkRedaction } from '../src/conformance/semantic.ts';
import type { Finding } from '../src/core/finding.ts';
import { isJsonMediaType } from '../src/core/media-type.ts';
import { fromPactPath } from '../src/core/pointer.ts';
import { parseProviderJson } from '../src/core/response-json.ts';
import { oneLine, visibleText } from '../src/core/text.ts';
import { truncationMark } from '../src/core/truncate.ts';
import { REPORT_LIMITS } from '../src/report/bound.ts';
import { findingLine } from '../src/report/common.ts';
import type { ConformanceResult } from '../src/report/conformance-result.ts';
import { renderConsoleSummary } from '../src/report/console.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderJson } from '../src/report/json-report.ts';
import { renderJunit } from '../src/report/junit.ts';
import { MARKDOWN_MAX_BYTES, markdownCode, markdownText, renderMarkdown } from '../src/report/markdown.ts';
import { redactResult } from '../src/report/redact-result.ts';
import { findSecretKeys, looksLikeKey } from '../src/secrets/patterns.ts';
import { REDACTED, Redactor, redactSecrets } from '../src/secrets/redact.ts';
import { bodyExcerpt, EXCERPT_CHARS } from '../src/transport/excerpt.ts';
import { parseRetryAfter } from '../src/transport/retry.ts';
import { ACTING_CHARACTER } from './inert-text.ts';
import { check, resultOf } from './report/fixtures.ts';

// Every function that sees provider data, against values built to make a backtracking regular
// expression work super-linearly: long runs of what a pattern's loop matches with no end it can find.
// Each is linear by construction (see the comments at the patterns): a quadratic one cannot meet mocha's
// timeout (the old one-line formatter took 224 s on 100 KB, so six minutes on 128 KB and over an hour on
// 512 KB, against a 120 s timeout). Each test also says what the function gave back: how long it is
// (bounded where the function bounds, whole where it keeps) and what it holds (what was kept, what was cut,
// what was redacted), so a function that returned at once with nothing, or everything, fails too. Raw
// provider data is 512 KB here; the text helpers get 128 KB, because every report cuts a string to 2 KB
// before they see it. How these scale from 1 to 8 MB is measured by `npm run bench:hostile`.

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

/** Whether `text` holds a whole-looking key: `sk-` and 20 key characters (an oracle apart from the code's). */
const holdsKey = (text: string): boolean => /sk-[A-Za-z0-9_-]{20}/.test(text);

/** visibleText's rule, one character at a time: the values here hold no workflow command. */
const visibleByHand = (text: string): string => {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c === 0x0d && next === 0x0a) continue;
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += text.slice(i, i + 2);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\uFFFD';
    else if (ACTING_CHARACTER.test(text[i] as string)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += text[i];
  }
  return out;
};

/**
 * `shown` is `raw` as a report shows it: at most `limit` characters, ending with the mark that says how long
 * `raw` was, nothing in it acting; its head is the start of `raw` as visible text, or (when `redacted` and
 * `raw` holds a key) the keys replaced by `[REDACTED]`, no key left.
 */
const expectShown = (
  shown: string | undefined,
  raw: string,
  limit: number,
  redacted: boolean,
  label: string,
) => {
  const mark = truncationMark({ count: raw.length, unit: 'characters' });
  expect(shown, label).to.be.a('string');
  const text = shown as string;
  expect(text.length, label).to.be.at.most(limit);
  expect(text.endsWith(mark), `${label}: ends with ${mark}`).to.equal(true);
  expect(ACTING_CHARACTER.test(text), label).to.equal(false);
  const head = text.slice(0, -mark.length);
  if (redacted && holdsKey(raw)) {
    expect(head, label).to.include(REDACTED);
    expect(holdsKey(head), label).to.equal(false);
  } else {
    expect(head.length, label).to.be.at.least(limit - mark.length - 1);
    expect(
      visibleByHand(raw.slice(0, 2 * limit)).startsWith(head),
      `${label}: the head of the value`,
    ).to.equal(true);
  }
};

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

/** The strings of resultHolding's result that came from `value`, each with the raw text it came from. */
const heldStrings = (result: ConformanceResult, value: string): [string, string | undefined, string][] => {
  const [first, second] = result.checks[0]?.findings ?? [];
  return [
    ['check name', result.checks[0]?.name, value],
    ['pointer', first?.pointer, `/${value}`],
    ['keyword', first?.keyword, value],
    ['message', first?.message, value],
    ['second message', second?.message, value],
    ['incomplete reason', result.incompleteReason, value],
  ];
};

/**
 * What one report of resultHolding's result may weigh: six strings of 2 KB, some shown a few times over,
 * each at most six times longer escaped (`&quot;`). Uncapped, each report would hold the value (half a
 * megabyte) six times over or more.
 */
const REPORT_BOUND = 6 * 2 * 6 * REPORT_LIMITS.maxChars;

const paths = { json: 'conformance.json', junit: 'junit.xml', html: 'report.html', markdown: 'summary.md' };
const SECRET = 'sk-admin-EXAMPLE-secret-value';
const marks = (value: string) => [
  truncationMark({ count: value.length, unit: 'characters' }),
  truncationMark({ count: value.length + 1, unit: 'characters' }),
];
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (n) => n === 'testsuite',
});
const htmlText = (html: string) =>
  html.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? e,
  );

/** What reads provider data as it came, each with what its answer must be. */
const uses: [string, (value: string) => unknown, (value: string, out: unknown, label: string) => void][] = [
  [
    'redactSecrets',
    (v) => redactSecrets(v, [SECRET]),
    (v, out, label) => {
      const text = out as string;
      if (!holdsKey(v)) return void expect(text === v, `${label}: kept whole`).to.equal(true);
      expect(text.length, label).to.be.at.most(v.length);
      expect(text, label).to.include(REDACTED);
      expect(holdsKey(text), `${label}: no key left`).to.equal(false);
    },
  ],
  [
    'Redactor.text',
    (v) => new Redactor(['s3cr3t-value-1234']).text(v),
    (v, out, label) => {
      const text = out as string;
      if (!holdsKey(v)) return void expect(text === v, `${label}: kept whole`).to.equal(true);
      expect(text.length, label).to.be.at.most(v.length);
      expect(text, label).to.include(REDACTED);
      expect(holdsKey(text), `${label}: no key left`).to.equal(false);
    },
  ],
  [
    'findSecretKeys',
    findSecretKeys,
    (v, out, label) => {
      const keys = out as { index: number; key: string }[];
      if (!holdsKey(v)) return void expect(keys, label).to.deep.equal([]);
      // Each key is where it says, a whole key, after the one before; blanked out, none is left.
      let blanked = '';
      let from = 0;
      for (const { index, key } of keys) {
        expect(index, label).to.be.at.least(from);
        expect(key, label).to.match(/^sk-[A-Za-z0-9_-]{20,}$/);
        expect(v.startsWith(key, index), label).to.equal(true);
        blanked += `${v.slice(from, index)} `;
        from = index + key.length;
      }
      expect(holdsKey(blanked + v.slice(from)), `${label}: every key found`).to.equal(false);
    },
  ],
  [
    'checkRedaction',
    (v) => checkRedaction({ redacted_value: v, name: v, [v]: 1 }),
    (v, out, label) => {
      const findings = out as Finding[];
      // A few findings of a few hundred characters, whatever the value: each quotes at most its kind.
      expect(findings.length, label).to.be.at.most(3);
      for (const f of findings) {
        // A few words, and for prose a quote of at most 80 characters as escaped.
        expect(f.message.length, label).to.be.below(300);
        expect(f.pointer.length, label).to.be.below(20);
        // A key-shaped value is judged and never quoted; prose is quoted, cut short, as the warning's evidence.
        if (looksLikeKey(v)) {
          expect(f.message, `${label}: the value is not echoed`).not.to.include(v.slice(0, 64));
        } else {
          const longerQuote = JSON.stringify(v.slice(0, 81)).slice(1, -1);
          expect(f.message, `${label}: at most a short quote`).not.to.include(longerQuote);
        }
      }
      if (!holdsKey(v)) {
        for (const f of findings) expect(f.pointer, label).to.equal('/redacted_value');
        return;
      }
      expect(
        findings.map((f) => [f.pointer, f.keyword, f.severity]),
        label,
      ).to.deep.equal([
        ['/redacted_value', 'redaction', 'error'],
        ['', 'secretInBody', 'warning'],
        ['/name', 'secretInBody', 'warning'],
      ]);
      expect(findings[0]?.message, label).to.include(`(${v.length} characters`);
    },
  ],
  [
    'parseProviderJson',
    (v) => parseProviderJson(JSON.stringify({ [v]: 1, id: 1 })),
    (v, out, label) => {
      const parsed = out as { ok: boolean; value?: Record<string, unknown> };
      expect(parsed.ok, label).to.equal(true);
      expect(
        Object.keys(parsed.value ?? {}).map((k) => k.length),
        label,
      ).to.deep.equal([v.length, 2]);
      expect(parsed.value?.[v], `${label}: the key kept whole`).to.equal(1);
    },
  ],
  [
    'bodyExcerpt',
    (v) => bodyExcerpt(Buffer.from(v), undefined, new Redactor(['s3cr3t-value-1234'])),
    (v, out, label) => {
      const text = out as string;
      const mark = truncationMark({ count: Buffer.byteLength(v), unit: 'bytes' });
      expect(text.length, label).to.be.at.most(EXCERPT_CHARS);
      expect(text.endsWith(mark), `${label}: ends with ${mark}`).to.equal(true);
      const head = text.slice(0, -mark.length);
      if (holdsKey(v)) {
        expect(head, label).to.include(REDACTED);
        return void expect(holdsKey(head), label).to.equal(false);
      }
      expect(text.length, label).to.equal(EXCERPT_CHARS);
      expect(Buffer.from(v).toString('utf8').startsWith(head), `${label}: the body's first bytes`).to.equal(
        true,
      );
    },
  ],
  [
    'isJsonMediaType',
    (v) => [isJsonMediaType(`application/${v}`), isJsonMediaType(`application/json;${v}`)],
    (_v, out, label) =>
      expect(out, `${label}: junk is no JSON type; its parameters do not undo one`).to.deep.equal([
        false,
        true,
      ]),
  ],
  [
    'parseRetryAfter',
    (v) => [parseRetryAfter(v, 0), parseRetryAfter(`${v.slice(0, 0)}120`, 0)],
    (_v, out, label) => expect(out, `${label}: no delay in junk`).to.deep.equal([undefined, 120_000]),
  ],
  [
    'fromPactPath',
    (v) => fromPactPath(`$.a['${v}`),
    (v, out, label) => {
      // An unterminated `['` keeps the rest as one token, whole, escaped as RFC 6901 says.
      const want = `/a/['${v.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      expect((out as string).length, label).to.equal(want.length);
      expect(out === want, label).to.equal(true);
    },
  ],
  [
    'redactResult',
    (v) => redactResult(resultHolding(v), [SECRET]),
    (v, out, label) => {
      for (const [what, shown, raw] of heldStrings(out as ConformanceResult, v))
        expectShown(shown, raw, REPORT_LIMITS.maxChars, true, `${label}: ${what}`);
    },
  ],
  [
    'renderJson',
    (v) => renderJson(resultHolding(v)),
    (v, out, label) => {
      const text = out as string;
      expect(text.length, label).to.be.below(REPORT_BOUND);
      for (const [what, shown, raw] of heldStrings(JSON.parse(text) as ConformanceResult, v))
        expectShown(shown, raw, REPORT_LIMITS.maxChars, false, `${label}: ${what}`);
    },
  ],
  [
    'renderJunit',
    (v) => renderJunit(resultHolding(v)),
    (v, out, label) => {
      const text = out as string;
      expect(text.length, label).to.be.below(REPORT_BOUND);
      expect(XMLValidator.validate(text), label).to.equal(true);
      type Testcase = { failure: { message: string; '#text': string } };
      const parsed = xml.parse(text) as { testsuites: { testsuite: { testcase: Testcase }[] } };
      const failure = parsed.testsuites.testsuite[0]?.testcase.failure ?? { message: '', '#text': '' };
      // The findings, each cut with a mark saying how long it was; the value's head kept.
      for (const mark of marks(v)) expect(failure['#text'], `${label}: ${mark}`).to.include(mark);
      expect(failure.message, label).to.match(/^error \//);
      expect(failure['#text'].length, label).to.be.below(16 * 1024);
    },
  ],
  [
    'renderHtml',
    (v) => renderHtml(resultHolding(v)),
    (v, out, label) => {
      const text = out as string;
      expect(text.length, label).to.be.below(REPORT_BOUND);
      const messages = [...text.matchAll(/<span class="message">([^<]*)<\/span>/g)].map((m) =>
        htmlText(m[1] ?? ''),
      );
      expect(messages, label).to.have.length(2);
      for (const message of messages)
        expectShown(message, v, REPORT_LIMITS.maxChars, false, `${label}: message`);
    },
  ],
  [
    'renderMarkdown',
    (v) => renderMarkdown(resultHolding(v)),
    (v, out, label) => {
      const text = out as string;
      expect(Buffer.byteLength(text), label).to.be.below(Math.min(24 * 1024, MARKDOWN_MAX_BYTES));
      for (const mark of marks(v)) expect(text, `${label}: ${mark}`).to.include(mark);
      // A finding's row: its message as escaped text, cut at summary.md's 500 characters.
      const row = text.split('\n').find((line) => line.startsWith('| warning | `/name` |'));
      expect(row, label).to.be.a('string');
      expect((row as string).length, label).to.be.below(2 * 500 + 64);
    },
  ],
  [
    'renderConsoleSummary',
    (v) => renderConsoleSummary(resultHolding(v), paths),
    (v, out, label) => {
      const lines = (out as string).split('\n');
      expect(lines.length, label).to.be.below(10);
      // At most four of a report's strings on one line (the console writer then cuts it to a terminal's width).
      for (const line of lines) expect(line.length, label).to.be.at.most(4 * REPORT_LIMITS.maxChars + 64);
      // The failing check with its first finding: name, pointer, message and keyword each cut and marked.
      const fail = lines.find((line) => line.startsWith('  FAIL semantic: '));
      for (const mark of marks(v)) expect(fail, `${label}: ${mark}`).to.include(mark);
      expect(lines[0], label).to.match(/^Conformance FAIL \(incomplete: /);
    },
  ],
];

const MARKDOWN_SPECIAL = '\\`*_[]<>|~&';

/** The text helpers reports use on strings already cut to a report's limits, each with what it must give. */
const helpers: [string, (value: string) => string, (value: string, out: string, label: string) => void][] = [
  [
    'visibleText',
    visibleText,
    (v, out, label) => {
      expect(out.length, label).to.be.at.most(6 * v.length);
      expect(out === visibleByHand(v), `${label}: each character shown, or written as its code`).to.equal(
        true,
      );
    },
  ],
  [
    'oneLine',
    oneLine,
    (v, out, label) => {
      const visible = visibleText(v);
      expect(out, label).not.to.include('\n');
      if (!visible.includes('\n')) return void expect(out === visible, `${label}: kept whole`).to.equal(true);
      // Only whitespace around line breaks is folded: everything else is kept, in order.
      expect(out.length, label).to.be.below(visible.length);
      expect(out.replace(/\s+/g, '') === visible.replace(/\s+/g, ''), label).to.equal(true);
    },
  ],
  [
    'markdownText',
    markdownText,
    (v, out, label) => {
      const line = oneLine(v);
      expect(out.length, label).to.be.at.most(2 * line.length);
      // Every character Markdown acts on comes escaped; unescaped, the text is the line as it was.
      let unescaped = '';
      let bare: number | undefined;
      for (let i = 0; i < out.length && bare === undefined; i++) {
        const c = out[i] as string;
        if (c === '\\' && MARKDOWN_SPECIAL.includes(out[i + 1] ?? '')) unescaped += out[++i];
        else if (MARKDOWN_SPECIAL.includes(c)) bare = i;
        else unescaped += c;
      }
      expect(bare, `${label}: a character Markdown acts on, bare`).to.equal(undefined);
      expect(unescaped === line, label).to.equal(true);
    },
  ],
  [
    'markdownCode',
    (v) => markdownCode(v, true),
    (v, out, label) => {
      const line = oneLine(v);
      const fence = /^`+/.exec(out)?.[0] ?? '';
      let longest = 0;
      for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
      // A fence longer than any backtick run inside, the same at the end; the body the line, pipes escaped.
      expect(fence.length, label).to.equal(longest + 1);
      expect(out.endsWith(fence), label).to.equal(true);
      const padded = out.slice(fence.length, out.length - fence.length);
      const body =
        padded.startsWith(' ') && padded.endsWith(' ') && /^ ?`|` ?$/.test(padded)
          ? padded.slice(1, -1)
          : padded;
      expect(body.replaceAll('\\|', '|') === line, label).to.equal(true);
      expect(/(^|[^\\])\|/.test(body), `${label}: no bare pipe`).to.equal(false);
      expect(out.length, label).to.be.at.most(2 * line.length + 2 * fence.length + 2);
    },
  ],
  [
    'findingLine',
    (v) => findingLine({ pointer: v, message: v, severity: 'error', keyword: v }),
    (v, out, label) => {
      // Severity, pointer, message and keyword, each whole on the one line, nothing else.
      const want = `error ${oneLine(v)} ${oneLine(v)} (${oneLine(v)})`;
      expect(out.length, label).to.equal(want.length);
      expect(out === want, label).to.equal(true);
    },
  ],
];

describe('provider data of half a megabyte, built to make regular expressions backtrack', function () {
  this.timeout(120_000);
  for (const [name, use, expectAnswer] of uses) {
    it(`${name} reads each hostile value of ${RAW / 1024} KB in one pass, and says what it should`, () => {
      for (const [label, value] of HOSTILE_VALUES) expectAnswer(value, use(value), `${name}: ${label}`);
    });
  }
  for (const [name, use, expectAnswer] of helpers) {
    it(`${name} reads each hostile value of ${SHOWN / 1024} KB in one pass, and says what it should`, () => {
      for (const [label, value] of HOSTILE_VALUES) {
        const shown = value.slice(0, SHOWN);
        expectAnswer(shown, use(shown), `${name}: ${label}`);
      }
    });
  }

  it('the hostile values are what they say: half a megabyte each, three holding keys', () => {
    for (const [label, value] of HOSTILE_VALUES) expect(value.length, label).to.be.at.least(RAW);
    expect(HOSTILE_VALUES.filter(([, value]) => holdsKey(value)).map(([label]) => label)).to.deep.equal([
      'runs that almost make a key',
      'a key prefix over and over',
      'one enormous key',
    ]);
  });

  it('oneLine still folds line breaks and the whitespace around them into one space', () => {
    expect(oneLine('a \n\n b')).to.equal('a b');
    expect(oneLine(' \r\n lead and trail \n ')).to.equal(' lead and trail ');
    expect(oneLine('a\n \n \nb')).to.equal('a b');
    expect(oneLine(`${' '.repeat(SHOWN)}x`)).to.have.length(SHOWN + 1);
  });
});
