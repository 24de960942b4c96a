import { expect } from 'chai';
import { XMLValidator } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { readText, repoPath } from './helpers.ts';

// What a hostile broker, pact, document or provider puts in a name, and how a test tells that an output
// shows it without acting on it. Shared by the report, console and broker tests.

/**
 * A name built to act: a terminal sequence that clears the screen, a bell, a CR that rewrites the line,
 * GitHub workflow commands at a line's start (after a CR, a line feed and indentation) and the older one
 * mid-line, the C1 sequence introducer and a right-to-left override.
 */
export const HOSTILE_NAME =
  'evil\u001b[2J\u0007\r::error title=owned::x\n::add-mask::y\r\n  ::warning::z ##[error]w \u009b31m \u202Egnp.exe';

/** A character that acts on what reads it: a terminal, a CI log, an XML parser, a reader's eyes. */
export const ACTING_CHARACTER =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/;

/** A line GitHub Actions reads as a workflow command (its runner trims leading whitespace first). */
export const WORKFLOW_COMMAND_LINE = /^\s*::|##\[/m;

/** Words of HOSTILE_NAME that any output showing it keeps, however it escapes the rest. */
export const HOSTILE_WORDS = ['evil', 'u001b', '2J', 'u0007', 'title=owned', 'add-mask', 'u202e', 'gnp.exe'];

/** `text` acts on nothing, and still says what the hostile name said. */
export const expectInert = (text: string, label: string, words: readonly string[] = HOSTILE_WORDS): void => {
  const acting = ACTING_CHARACTER.exec(text);
  expect(acting, `${label}: ${JSON.stringify(acting?.[0])} at ${acting?.index}`).to.equal(null);
  const command = WORKFLOW_COMMAND_LINE.exec(text);
  expect(command, `${label}: a workflow command at ${command?.index}`).to.equal(null);
  for (const word of words) expect(text, `${label} shows "${word}"`).to.include(word);
};

const junitXsd = readText(repoPath('test/report/junit.xsd'));

/** `xml` is well-formed XML 1.0 and a valid JUnit report. */
export const expectJunitXml = async (xml: string, label: string): Promise<void> => {
  expect(XMLValidator.validate(xml), label).to.equal(true);
  const { valid, errors } = await validateXML({
    xml: { fileName: label, contents: xml },
    schema: { fileName: 'junit.xsd', contents: junitXsd },
  });
  expect(
    errors.map((e) => e.rawMessage),
    label,
  ).to.deep.equal([]);
  expect(valid, label).to.equal(true);
};
