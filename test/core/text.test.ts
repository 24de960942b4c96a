import { expect } from 'chai';
import { oneLine, visibleText } from '../../src/core/text.ts';

// visibleText is the one place that decides how outside text is shown: what each character that acts
// (on a terminal, a CI log, an XML parser, a reader's eyes) looks like once it only shows.

/** A character that acts on what reads it: these must never leave visibleText as they came. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
const ACTING = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/;
/** A line GitHub Actions reads as a workflow command (its runner trims leading whitespace first). */
const COMMAND_LINE = /^\s*::|##\[/m;

const code = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;

describe('visibleText: outside text shown, never acted on', () => {
  const cases: [string, string, string][] = [
    ['an ANSI colour sequence', 'a \u001b[31mred\u001b[0m word', 'a \\u001b[31mred\\u001b[0m word'],
    ['a bell', 'ding\u0007', 'ding\\u0007'],
    ['a carriage return that would rewrite the line', 'ok 10%\rFAIL', 'ok 10%\\u000dFAIL'],
    ['a CR before a line feed: the line break stays', 'one\r\ntwo', 'one\ntwo'],
    ['two CRs before a line feed', 'one\r\r\ntwo', 'one\\u000d\ntwo'],
    ['NUL, vertical tab and form feed', 'a\u0000b\u000bc\fd', 'a\\u0000b\\u000bc\\u000cd'],
    ['DEL', 'x\u007f', 'x\\u007f'],
    ['the C1 control sequence introducer', '\u009b31mred', '\\u009b31mred'],
    ['a C1 next line', 'a\u0085b', 'a\\u0085b'],
    ['the line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['a right-to-left override', 'file\u202Etxt.exe', 'file\\u202etxt.exe'],
    ['an isolate', 'a\u2066b\u2069', 'a\\u2066b\\u2069'],
    ['the noncharacters XML forbids', 'a\uFFFEb\uFFFF', 'a\\ufffeb\\uffff'],
    ['a lone surrogate', 'a\uD800b\uDC00', 'a\uFFFDb\uFFFD'],
    ['a workflow command', '::error::pwned', '\\u003a:error::pwned'],
    ['a workflow command after spaces and tabs', ' \t::add-mask::x', ' \t\\u003a:add-mask::x'],
    [
      'a workflow command after Unicode spaces',
      '\u00a0\u3000::stop-commands::t',
      '\u00a0\u3000\\u003a:stop-commands::t',
    ],
    ['a workflow command on a later line', 'fine\n::warning::x', 'fine\n\\u003a:warning::x'],
    ['a workflow command after a CR', 'fine\r::warning::x', 'fine\\u000d::warning::x'],
    ['a workflow command after a line separator', '\u2028::warning::x', '\\u2028::warning::x'],
    ['the older workflow command, anywhere on a line', 'see ##[error]x', 'see #\\u0023[error]x'],
    ['the older workflow command after a third #', '###[error]', '##\\u0023[error]'],
  ];
  for (const [label, given, want] of cases) {
    it(`shows ${label} as text`, () => {
      const shown = visibleText(given);
      expect(shown).to.equal(want);
      expect(shown).not.to.match(ACTING);
      expect(shown).not.to.match(COMMAND_LINE);
      expect(visibleText(shown), 'idempotent').to.equal(shown);
    });
  }

  const unchanged: [string, string][] = [
    ['words, tabs and line feeds', 'a\tb\nc'],
    ['a pair of surrogates', 'key 😀'],
    ['right-to-left text without overrides', 'שלום עולם'],
    ['a double colon inside a line', 'std::string and a::b::c'],
    ['a single colon at a line start', ':x'],
    ['a hash and a bracket apart', '# [a] #[b] ##x'],
    ['a visible escape already', '\\u001b[31m'],
  ];
  for (const [label, given] of unchanged) {
    it(`leaves ${label} as it is`, () => expect(visibleText(given)).to.equal(given));
  }

  it('every code unit of the BMP: shown as itself, or as its code when it acts', () => {
    const wrong: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const char = String.fromCharCode(c);
      const want = c >= 0xd800 && c <= 0xdfff ? '\uFFFD' : ACTING.test(char) ? code(c) : char;
      if (visibleText(`x${char}y`) !== `x${want}y`) wrong.push(code(c));
    }
    expect(wrong).to.deep.equal([]);
  });

  it('oneLine folds the line breaks that are left, and acts on nothing either', () => {
    expect(oneLine('name\r\n::error::x\u001b')).to.equal('name \\u003a:error::x\\u001b');
  });
});
