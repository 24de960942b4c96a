import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseTestResults } from 'test-results-parser';
import { validateXML } from 'xmllint-wasm';
import { CHECK_CATEGORIES } from '../../src/core/check.ts';
import { visibleText } from '../../src/core/text.ts';
import { findingLine, groupsByPact } from '../../src/report/common.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { renderJunit, suiteName } from '../../src/report/junit.ts';
import { readText, repoPath } from '../helpers.ts';
import { FIXTURES, failing, HOSTILE, incomplete, passing, severalPacts } from './fixtures.ts';

interface Node {
  [key: string]: unknown;
}
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});
const parsed = (result: ConformanceResult) => {
  const doc = parser.parse(renderJunit(result)) as {
    testsuites: Node & { testsuite: (Node & { testcase: Node[] })[] };
  };
  return doc.testsuites;
};
const suitesOf = (result: ConformanceResult) => parsed(result).testsuite;
const caseNamed = (result: ConformanceResult, name: string) =>
  suitesOf(result)
    .flatMap((s) => s.testcase)
    .find((c) => c.name === name);

const junitXsd = readText(repoPath('test/report/junit.xsd'));
const dir = mkdtempSync(join(tmpdir(), 'junit-'));

describe('renderJunit', () => {
  for (const [name, build] of FIXTURES.filter(([, build]) => build().pacts.length === 1)) {
    it(`${name}: a suite per category with the result's counts, and a run suite`, () => {
      const result = build();
      const suites = suitesOf(result);
      // A pact from a broker is a group of its own, even alone: its suites carry its id.
      const pact = groupsByPact(result) ? result.pacts[0]?.id : undefined;
      const categories = CHECK_CATEGORIES.filter((c) => result.checks.some((check) => check.category === c));
      expect(suites.map((s) => s.name)).to.deep.equal([
        ...categories.map((c) => suiteName(c, pact)),
        suiteName('run'),
      ]);
      for (const category of categories) {
        const checks = result.checks.filter((c) => c.category === category);
        const suite = suites.find((s) => s.name === suiteName(category, pact));
        expect(suite, category).to.include({
          tests: String(checks.length),
          failures: String(checks.filter((c) => c.status === 'fail').length),
          skipped: String(checks.filter((c) => c.status === 'skip').length),
          errors: '0',
          timestamp: '2025-01-15T10:00:00',
        });
        expect(suite?.testcase.map((c) => [c.name, c.classname])).to.deep.equal(
          checks.map((c) => [c.name, suiteName(category, pact)]),
        );
        expect(suite?.testcase.map((c) => Number(c.time))).to.deep.equal(
          checks.map((c) => c.durationMs / 1000),
        );
      }
      const top = parsed(result);
      const summary = result.summary;
      const runFailures = result.verdict === 'fail' && result.complete ? 1 : 0;
      expect(top).to.include({
        tests: String(result.checks.length + 1),
        failures: String(summary.failed + runFailures),
        errors: String(result.complete ? 0 : 1),
        skipped: String(summary.skipped),
      });
    });
  }

  it('carries every finding of a failed check in <failure>, one per line', () => {
    const result = failing();
    const schemaCheck = result.checks.find((c) => c.category === 'schema');
    const testcase = caseNamed(result, schemaCheck?.name ?? '') as { failure: Node };
    expect(testcase.failure.message).to.equal(findingLine(schemaCheck?.findings[0] ?? ({} as never)));
    expect(testcase.failure.type).to.equal('required');
    expect(String(testcase.failure['#text']).split('\n')).to.deep.equal([
      'error /owner/user/added_at required property "added_at" is missing (required)',
      'warning /last_used_at property is not declared in the schema (additionalProperties)',
    ]);
  });

  it('round-trips hostile finding text, with characters XML forbids made visible', () => {
    const result = failing();
    const hostile = result.checks.find((c) => c.name === 'hostile text is shown as text');
    const testcase = caseNamed(result, hostile?.name ?? '') as { failure: Node };
    const text = String(testcase.failure['#text']);
    expect(text).to.equal(visibleText(hostile?.findings.map(findingLine).join('\n') ?? ''));
    expect(text).to.include(HOSTILE.script);
    expect(text).to.include('<b>&amp;</b> | `value` \\u001b[31mred\\u0000\\u000c end \uFFFD');
    expect(text).to.include(HOSTILE.pointer);
    expect(String(testcase.failure.message)).to.include('expected "string" but got <b>&amp;</b>');
  });

  it('marks a skipped check <skipped> with its reason, and warnings and retries in <system-out>', () => {
    const result = failing();
    expect(caseNamed(result, 'honours Retry-After on 429')?.skipped).to.deep.equal({
      message: 'the target never answered 429',
    });
    expect(caseNamed(result, 'owner id prefix')).to.include({
      'system-out': 'warning /owner/user/id user id does not start with "user-"',
    });
    expect(caseNamed(result, 'owner id prefix')).not.to.have.property('failure');
    expect(caseNamed(result, 'retries a reset connection')).to.include({
      'system-out': 'passed only after 3 attempts',
    });
  });

  it('passes a check of notes about the document and the pact, saying them in <system-out>, counted apart', () => {
    const result = failing();
    const notes = result.checks.filter((c) => c.status === 'note');
    expect(notes).to.not.have.length(0);
    for (const check of notes) {
      const testcase = caseNamed(result, check.name);
      expect(testcase, check.name).not.to.have.any.keys('failure', 'error', 'skipped');
      expect(String(testcase?.['system-out']).split('\n')).to.deep.equal([
        'Notes about the document and the pact:',
        ...check.findings.map(findingLine),
      ]);
    }
    const run = suitesOf(result).find((s) => s.name === suiteName('run')) as unknown as {
      properties: { property: Node[] };
    };
    const properties = Object.fromEntries(run.properties.property.map((p) => [p.name, p.value]));
    expect(properties).to.include({ notes: String(notes.length) });
  });

  it('fails the run suite for a failed verdict, errors it for an incomplete run, passes it otherwise', () => {
    const verdictOf = (result: ConformanceResult) => caseNamed(result, 'verdict') as Node;
    expect(verdictOf(passing())).not.to.have.any.keys('failure', 'error');
    expect((verdictOf(failing()).failure as Node).type).to.equal('verdict');
    const error = verdictOf(incomplete()).error as Node;
    expect(error.message).to.equal('run incomplete: interrupted by SIGINT after 1 of 2 checks');
    expect(error.type).to.equal('incomplete');
  });

  it('records target, spec and pact as properties of the run suite', () => {
    const result = failing();
    const run = suitesOf(result).find((s) => s.name === suiteName('run')) as unknown as {
      properties: { property: Node[] };
    };
    const properties = Object.fromEntries(run.properties.property.map((p) => [p.name, p.value]));
    expect(properties).to.include({
      verdict: 'fail',
      'target.baseUrl': result.target.baseUrl,
      'spec.sha256': result.spec.sha256,
      'pact.path': result.pacts[0]?.path,
    });
  });

  it('several pacts: a suite per pact and category, each pact in the run suite’s properties', () => {
    const result = severalPacts();
    expect(suitesOf(result).map((s) => s.name)).to.deep.equal([
      'conformance.web.pact',
      'conformance.web.schema',
      'conformance.cli.pact',
      'conformance.cli.schema',
      'conformance.contract',
      'conformance.run',
    ]);
    const run = suitesOf(result).find((s) => s.name === suiteName('run')) as unknown as {
      properties: { property: Node[] };
    };
    const properties = Object.fromEntries(run.properties.property.map((p) => [p.name, p.value]));
    expect(properties).to.include({
      'pact.web.path': 'pacts/web.json',
      'pact.cli.pending': 'true',
      'pact.cli.consumerVersion': '1.4.0',
      'pact.cli.url': 'https://broker.example.test/pacts/provider/provider/consumer/cli/version/1.4.0',
      'pact.cli.selectedBecause': 'latest from main branch',
      'pact.cli.publication':
        'failure (provider version pv1, branch main) published to the Pact Broker: https://broker.example.test/pacts/provider/provider/consumer/cli/pact-version/abc/verification-results/7',
    });
    expect(properties).not.to.have.property('pact.web.url');
  });

  it('every fixture is valid against the JUnit XSD CI servers follow (libxml2)', async () => {
    const { valid, errors } = await validateXML({
      xml: FIXTURES.map(([name, build]) => ({ fileName: `${name}.xml`, contents: renderJunit(build()) })),
      schema: { fileName: 'junit.xsd', contents: junitXsd },
    });
    expect(errors.map((e) => e.rawMessage)).to.deep.equal([]);
    expect(valid).to.equal(true);
  });

  it('the XSD check can fail: a testcase without classname and a suite without tests are invalid', async () => {
    const broken = renderJunit(failing())
      .replace(' classname="conformance.contract"', '')
      .replace(/(<testsuite name="conformance.pact") tests="1"/, '$1');
    const { valid, errors } = await validateXML({
      xml: { fileName: 'broken.xml', contents: broken },
      schema: { fileName: 'junit.xsd', contents: junitXsd },
    });
    expect(valid).to.equal(false);
    expect(errors.map((e) => e.message).join('\n'))
      .to.match(/classname/)
      .and.to.match(/tests/);
  });

  it('reads as CI test reporters read it (test-results-parser)', () => {
    const result = failing();
    const path = join(dir, 'junit.xml');
    writeFileSync(path, renderJunit(result));
    const read = parseTestResults({ type: 'junit', files: [path] });
    const cases = read.suites.flatMap((s) => s.cases);
    const statusOf = (name: string) => cases.find((c) => c.name === name)?.status;
    for (const check of result.checks) {
      const want = { fail: 'FAIL', skip: 'SKIP', pass: 'PASS', warn: 'PASS', note: 'PASS' }[check.status];
      expect(statusOf(check.name), check.name).to.equal(want);
    }
    expect(statusOf('verdict')).to.equal('FAIL');
    expect(cases.find((c) => c.name === 'ProjectApiKey body matches the schema')?.failure).to.equal(
      'error /owner/user/added_at required property "added_at" is missing (required)',
    );
    expect(read.failed).to.equal(result.summary.failed + 1);
    expect(read.skipped).to.equal(result.summary.skipped);
  });
});
