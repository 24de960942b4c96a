import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { runDriftCli } from '../../src/cli/drift.ts';
import { runSpecLint } from '../../src/cli/spec-lint.ts';
import { runValidate } from '../../src/cli/validate.ts';
import { DEFAULT_SPEC_PATH } from '../../src/openapi/default-path.ts';
import { documentWith, OPERATION } from '../drift/documents.ts';
import { expectInert, HOSTILE_NAME } from '../inert-text.ts';

// The other commands print what a document or a captured body holds (titles, versions, property names,
// pointers) and the file names they were given: all of it as text, through the console writer.

const scratch = mkdtempSync(join(tmpdir(), 'outside-text-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder and a file named to act: Linux takes any byte but `/` and NUL in a name. */
const hostileDir = join(scratch, HOSTILE_NAME.replaceAll('/', '_'));
mkdirSync(hostileDir);
const file = (name: string, content: string) => {
  const path = join(hostileDir, name);
  writeFileSync(path, content);
  return path;
};

type Command = (argv: string[], io: { stdout(t: string): void; stderr(t: string): void }) => number;
const run = (command: Command, argv: string[]) => {
  const out: string[] = [];
  const code = command(argv, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
  return { code, output: out.join('') };
};

describe('validate, spec-lint and drift: a hostile document, body or file name is printed as text', () => {
  it('validate: a body whose property name acts, read from a file named to act', () => {
    const body = file('body.json', JSON.stringify({ id: 'key_abc', [HOSTILE_NAME]: 1 }));
    const { code, output } = run(
      (argv, io) => runValidate(argv, io, () => ''),
      ['--schema', 'ProjectApiKey', body],
    );
    expect(code, output).to.equal(1);
    expectInert(output, 'validate');
  });

  it('validate --json: still JSON, every name as it was once decoded, nothing acting on the way', () => {
    const body = file('body.json', JSON.stringify({ id: 'key_abc', [HOSTILE_NAME]: 1 }));
    const { output } = run(
      (argv, io) => runValidate(argv, io, () => ''),
      ['--schema', 'ProjectApiKey', '--json', body],
    );
    expectInert(output, 'validate --json', ['u001b', 'title=owned']);
    const { findings } = JSON.parse(output) as { findings: { pointer: string }[] };
    expect(findings.map((f) => f.pointer)).to.include(
      `/${HOSTILE_NAME.replaceAll('~', '~0').replaceAll('/', '~1')}`,
    );
  });

  it('spec-lint: an example whose property name acts', () => {
    const document = parse(readFileSync(DEFAULT_SPEC_PATH, 'utf8')) as {
      components: { schemas: { ProjectApiKey: { 'x-oaiMeta': { example: string } } } };
    };
    // The seed's example is JSON in a string, as the document has it.
    const meta = document.components.schemas.ProjectApiKey['x-oaiMeta'];
    meta.example = JSON.stringify({ ...JSON.parse(meta.example), [HOSTILE_NAME]: 1 });
    const spec = file('openapi.json', JSON.stringify(document));
    const { code, output } = run(runSpecLint, ['--spec', spec]);
    expect(code, output).to.equal(1);
    expectInert(output, 'spec-lint');
  });

  it("drift: a document's version and a property named to act, in files named to act", () => {
    const from = file('from.json', JSON.stringify(documentWith()));
    const to = file(
      'to.json',
      JSON.stringify({
        ...documentWith({ body: { type: 'object', properties: { [HOSTILE_NAME]: { type: 'string' } } } }),
        info: { version: HOSTILE_NAME, title: HOSTILE_NAME },
      }),
    );
    for (const json of [[], ['--json']]) {
      const { code, output } = run(runDriftCli, [
        '--from',
        from,
        '--to',
        to,
        '--operation',
        OPERATION,
        ...json,
      ]);
      expect(code, output).to.equal(0);
      expectInert(output, `drift ${json.join('')}`, ['u001b', 'title=owned', 'add-mask']);
    }
  });
});
