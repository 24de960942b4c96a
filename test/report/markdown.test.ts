import { expect } from 'chai';
import { marked, type Token, type Tokens } from 'marked';
import type { Finding } from '../../src/core/finding.ts';
import { displayPointer, oneLine } from '../../src/core/text.ts';
import { tallyText } from '../../src/report/common.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import {
  MARKDOWN_FINDINGS_PER_CHECK,
  markdownCode,
  renderMarkdown,
  STATUS_WORD,
} from '../../src/report/markdown.ts';
import {
  check,
  FIXTURES,
  failing,
  HOSTILE,
  incomplete,
  nothingVerified,
  oneBrokerPact,
  passing,
  resultOf,
  severalPacts,
} from './fixtures.ts';

// Read back with a real GFM parser (marked): what a person sees on GitHub, not what the text looks like.
const tokensOf = (result: ConformanceResult) => marked.lexer(renderMarkdown(result));
const tablesOf = (result: ConformanceResult) =>
  tokensOf(result).filter((t): t is Tokens.Table => t.type === 'table');
const plain = (cell: Tokens.TableCell): string =>
  cell.tokens.map((t) => ('text' in t ? t.text : '')).join('');
const kinds = (cell: Tokens.TableCell): string[] => [...new Set(cell.tokens.map((t: Token) => t.type))];
const headingTexts = (result: ConformanceResult) =>
  tokensOf(result)
    .filter((t): t is Tokens.Heading => t.type === 'heading')
    .map((h) => h.tokens.map((t) => ('text' in t ? t.text : '')).join(''));

describe('renderMarkdown', () => {
  const verdicts: [string, ConformanceResult, RegExp][] = [
    ['passing', passing(), /^## Conformance: PASS\n\n\*\*Verdict: PASS\*\*\n/],
    ['failing', failing(), /^## Conformance: FAIL\n\n\*\*Verdict: FAIL\*\*\n/],
    [
      'incomplete',
      incomplete(),
      /^## Conformance: FAIL \(incomplete\)\n\n\*\*Verdict: FAIL\*\* — the run is incomplete: interrupted by SIGINT after 1 of 2 checks\n/,
    ],
    [
      'nothing verified',
      nothingVerified(),
      /^## Conformance: FAIL\n\n\*\*Verdict: FAIL\*\* — Pact Broker https:\/\/broker\.example\.test has no pact for provider matching the consumer version selectors \\\[\{"branch":"x"\}\\\]: nothing was verified\n/,
    ],
  ];
  for (const [name, result, want] of verdicts) {
    it(`${name}: opens with the verdict as given, in words`, () => {
      expect(renderMarkdown(result)).to.match(want);
    });
  }

  it('renders the verdict it is given, not one of its own', () => {
    const result = { ...passing(), verdict: 'fail' as const };
    expect(renderMarkdown(result)).to.match(/^## Conformance: FAIL\n/);
  });

  for (const [name, build] of FIXTURES.filter(([, build]) => build().pacts.length === 1)) {
    it(`${name}: a summary table with the result's counts and a row per check`, () => {
      const result = build();
      const [summary, checks] = tablesOf(result);
      expect(summary?.header.map(plain)).to.deep.equal(['Passed', 'Failed', 'Warnings', 'Skipped']);
      expect(summary?.rows.map((r) => r.map(plain))).to.deep.equal([
        [result.summary.passed, result.summary.failed, result.summary.warnings, result.summary.skipped].map(
          String,
        ),
      ]);
      expect(checks?.header.map(plain)).to.deep.equal([
        'Category',
        'Check',
        'Status',
        'Findings',
        'Attempts',
        'Time',
      ]);
      const rows = checks?.rows.map((r) => r.map(plain)) ?? [];
      expect(rows).to.have.length(result.checks.length);
      for (const c of result.checks) {
        // A check over many subjects says its counts after its name.
        const shown = c.tally ? `${c.name} (${tallyText(c.tally)})` : c.name;
        const found = rows.find((r) => r[1] === shown);
        expect(found, c.name).to.deep.include.members([
          c.category,
          STATUS_WORD[c.status],
          String(c.findings.length),
        ]);
      }
    });
  }

  it('several pacts: a table of checks per pact, then the document’s own, each pact named', () => {
    const result = severalPacts();
    const checkTables = tablesOf(result).slice(1, 4);
    expect(checkTables.map((t) => t.rows.map((r) => plain(r[1] as Tokens.TableCell)))).to.deep.equal([
      ['a request for a key', 'key owned by a user: body is a ProjectApiKey'],
      ['a request for a key', 'key owned by a user: body is a ProjectApiKey'],
      ["the spec's own examples validate"],
    ]);
    const text = renderMarkdown(result);
    expect(text).to.include('#### Checks of pact web: web → provider');
    expect(text).to.include('#### Checks of pact cli: cli → provider 1.4.0 (pending)');
    expect(text).to.include('#### Checks of the OpenAPI document');
    expect(text).to.include(
      '- Pact `cli`: <https://broker.example.test/pacts/provider/provider/consumer/cli/version/1.4.0> (cli 1.4.0 → provider, pending)',
    );
    expect(text).to.include('- Pact `web`: `pacts/web.json` (web → provider)');
    // Under the broker pact's heading: where it is, why it was chosen, why it only warns, what was published.
    const cli = text.slice(
      text.indexOf('#### Checks of pact cli'),
      text.indexOf('#### Checks of the OpenAPI'),
    );
    expect(cli.split('\n').filter((line) => line.startsWith('- '))).to.deep.equal([
      '- Pact: <https://broker.example.test/pacts/provider/provider/consumer/cli/version/1.4.0>',
      '- Selected: latest from main branch',
      '- Status: pending (no successful verification of this pact from the provider branch yet): a failure of its interactions is a warning and does not fail the verification',
      '- Broker notice: This pact is in pending state for this version of provider.',
      '- Verification result: failure (provider version pv1, branch main) published to the Pact Broker: https://broker.example.test/pacts/provider/provider/consumer/cli/pact-version/abc/verification-results/7',
    ]);
    expect(headingTexts(result)).to.include(
      'FAIL [cli] schema: key owned by a user: body is a ProjectApiKey',
    );
  });

  it('one pact from a broker: its own group, linked, with why its result was not published', () => {
    const text = renderMarkdown(oneBrokerPact());
    expect(text).to.include('#### Checks of pact cli@1.4.0: cli → provider 1.4.0\n');
    expect(text).to.include(
      '- Pact: <https://broker.example.test/pacts/provider/provider/consumer/cli/version/1.4.0>',
    );
    expect(text).to.include(
      '- Verification result: success (provider version pv1) not published: Pact Broker https://broker.example.test: cannot connect (connection refused)',
    );
    expect(text).not.to.include('- Status:');
  });

  it('links a broker pact only when its URL is http or https', () => {
    const result = oneBrokerPact();
    const [pact] = result.pacts;
    const hostile = { ...result, pacts: [{ ...pact, url: 'javascript:alert(1)' } as typeof pact] };
    const text = renderMarkdown(hostile as ConformanceResult);
    expect(text).to.include('- Pact: `javascript:alert(1)`');
    expect(text).not.to.include('<javascript:');
  });

  it('marks a check that passed only after retries', () => {
    const rows = tablesOf(failing())[1]?.rows.map((r) => r.map(plain)) ?? [];
    expect(rows.find((r) => r[1] === 'retries a reset connection')?.[4]).to.equal('3 (retried)');
  });

  it('lists the findings of failing and warning checks, then apart the notes, pointers in code, messages as text', () => {
    const result = failing();
    const [, , ...findingTables] = tablesOf(result);
    const notes = result.checks.filter((c) => c.status === 'note');
    expect(notes).to.not.have.length(0);
    const shown = [...result.checks.filter((c) => c.status === 'fail' || c.status === 'warn'), ...notes];
    const headings = headingTexts(result);
    expect(headings.indexOf('Notes about the document and the pact')).to.be.above(
      headings.indexOf('Findings'),
    );
    expect(findingTables).to.have.length(shown.length);
    expect(headingTexts(result)).to.include.members(
      shown.map((c) => `${STATUS_WORD[c.status]} ${c.category}: ${c.name}`),
    );
    const wanted = shown.flatMap((c) => c.findings);
    const rows = findingTables.flatMap((t) => t.rows);
    expect(rows).to.have.length(wanted.length);
    rows.forEach((cells, i) => {
      const finding = wanted[i] as Finding;
      const [severity, pointer, message] = cells as [Tokens.TableCell, Tokens.TableCell, Tokens.TableCell];
      expect(plain(severity)).to.equal(finding.severity);
      expect(kinds(pointer)).to.deep.equal(['codespan']);
      expect(plain(pointer)).to.equal(displayPointer(finding.pointer));
      // Only text and escapes: no tag, link, emphasis or code span got through from a message.
      expect(kinds(message).filter((k) => k !== 'text' && k !== 'escape')).to.deep.equal([]);
      expect(plain(message)).to.equal(oneLine(finding.message));
    });
  });

  it('escapes hostile text so it neither breaks a table nor becomes markup', () => {
    const text = renderMarkdown(failing());
    expect(text).not.to.include(HOSTILE.script);
    expect(text).to.include('\\<script\\>');
    expect(text).to.include('``/owner/a~1b\\|c`d``');
    expect(marked.parse(text)).not.to.match(/<script|<b>/);
  });

  const codeSpans: [string, string, boolean, string][] = [
    ['plain', '/a/b', false, '`/a/b`'],
    ['a backtick inside', 'a`b', false, '``a`b``'],
    ['a backtick at the edge', '`a', false, '`` `a ``'],
    ['a pipe outside a table', 'a|b', false, '`a|b`'],
    ['a pipe in a table', 'a|b', true, '`a\\|b`'],
  ];
  for (const [label, text, inTable, want] of codeSpans) {
    it(`writes a code span with ${label}`, () => expect(markdownCode(text, inTable)).to.equal(want));
  }

  it('gives skip reasons', () => {
    const items = tokensOf(failing())
      .filter((t): t is Tokens.List => t.type === 'list')
      .flatMap((l) => l.items.map((i) => i.text));
    expect(items).to.include('transport: honours Retry-After on 429: the target never answered 429');
  });

  it(`shows at most ${MARKDOWN_FINDINGS_PER_CHECK} findings per check and says how many more`, () => {
    const many = Array.from({ length: MARKDOWN_FINDINGS_PER_CHECK + 3 }, (_, i) => ({
      pointer: `/items/${i}`,
      message: 'wrong',
      severity: 'error' as const,
    }));
    const result = resultOf([check('many findings', 'schema', many)]);
    const rows = tablesOf(result).at(-1)?.rows ?? [];
    expect(rows).to.have.length(MARKDOWN_FINDINGS_PER_CHECK + 1);
    expect(rows.at(-1)?.map(plain)).to.deep.equal([
      'warning',
      '(root)',
      `3 more findings not shown (${MARKDOWN_FINDINGS_PER_CHECK + 3} in all)`,
      'truncated',
    ]);
    const counts = tablesOf(result)[1]?.rows.map((row) => row.map(plain)[3]);
    expect(counts, 'the checks table counts every finding').to.deep.equal([
      String(MARKDOWN_FINDINGS_PER_CHECK + 3),
    ]);
  });
});
