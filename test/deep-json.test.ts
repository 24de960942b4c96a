import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runConformanceCli } from '../src/cli/conformance.ts';
import { runValidate } from '../src/cli/validate.ts';
import { selectorsFlag } from '../src/conformance/config.ts';
import { matrixBodyOf } from '../src/conformance/spec-matrix.ts';
import { PactFileError, parsePact } from '../src/contract/pact.ts';
import { CONTRACT_PATH } from '../src/contract/pact-file.ts';
import { findingsOfMismatch } from '../src/contract/verification-result.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../src/core/json.ts';
import { parseProviderJson } from '../src/core/response-json.ts';
import { UsageError } from '../src/core/usage.ts';
import { EXAMPLE_ADMIN_KEY } from '../src/pact/provider-states.ts';
import { startReferenceProvider } from '../src/provider/index.ts';
import type { ConformanceResult } from '../src/report/conformance-result.ts';
import { REPORT_FILES } from '../src/report/files.ts';
import { renderJson } from '../src/report/json-report.ts';
import { redactResult } from '../src/report/redact-result.ts';
import { failing } from './report/fixtures.ts';
import { startServer, type TestServer } from './transport/servers.ts';

// Every recursive walk over outside data has a depth bound: JSON nested 100,000 levels deep, in a pact,
// a provider's body, a verifier's mismatch, a flag or a report, is refused or cut where it comes in, as a
// finding or one line, and never exhausts the call stack (which was exit 3, with reports lost). The
// broker's JSON is in test/broker/hostile-broker.test.ts.

const DEPTH = 100_000;
/** JSON text `depth` arrays deep around `inner`. */
const nested = (depth: number, inner = '"x"'): string => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
const deepValue = (): unknown => JSON.parse(nested(DEPTH));

const scratch = mkdtempSync(join(tmpdir(), 'deep-json-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('JSON nested 100,000 levels deep', function () {
  this.timeout(60_000);

  describe('the depth bound', () => {
    const cases: [string, string, number, boolean][] = [
      ['a scalar', '1', 0, false],
      ['[] at bound 0', '[]', 0, true],
      ['[] at bound 1', '[]', 1, false],
      ['an object in an object in an array, at 2', '[{"a":{}}]', 2, true],
      ['an object in an object in an array, at 3', '[{"a":{}}]', 3, false],
      ['the bound exactly', nested(MAX_JSON_DEPTH - 1, '{}'), MAX_JSON_DEPTH, false],
      ['one level past it', nested(MAX_JSON_DEPTH, '{}'), MAX_JSON_DEPTH, true],
      ['100,000 levels', nested(DEPTH), MAX_JSON_DEPTH, true],
      ['deep in a late sibling', `[1,{"a":[2,${nested(DEPTH)}]}]`, MAX_JSON_DEPTH, true],
    ];
    for (const [label, text, max, deeper] of cases) {
      it(`says ${deeper ? 'deeper' : 'not deeper'} of ${label}`, () => {
        expect(nestedDeeperThan(JSON.parse(text), max)).to.equal(deeper);
      });
    }
  });

  describe('in a pact file', () => {
    const contract = readFileSync(CONTRACT_PATH, 'utf8');
    const deepAt = (place: 'description' | 'method' | 'status' | 'interaction' | 'metadata'): string => {
      const pact = JSON.parse(contract) as { interactions: Record<string, Record<string, unknown>>[] };
      const first = pact.interactions[0] as Record<string, Record<string, unknown>>;
      const mark = '"@DEEP@"';
      if (place === 'description') first.description = '@DEEP@' as never;
      if (place === 'method') (first.request as Record<string, unknown>).method = '@DEEP@';
      if (place === 'status') (first.response as Record<string, unknown>).status = '@DEEP@';
      if (place === 'interaction') pact.interactions[0] = '@DEEP@' as never;
      if (place === 'metadata') (pact as Record<string, unknown>).metadata = '@DEEP@';
      return JSON.stringify(pact).replace(mark, nested(DEPTH));
    };

    for (const place of ['description', 'method', 'status', 'interaction', 'metadata'] as const) {
      it(`is refused as a pact the verifier cannot read either, deep at its ${place}`, () => {
        let error: unknown;
        try {
          parsePact(deepAt(place), { path: 'deep.json' });
        } catch (caught) {
          error = caught;
        }
        expect(error).to.be.instanceOf(PactFileError);
        expect((error as Error).message).to.equal(
          'cannot use pact deep.json: it nests more than 127 levels deep, deeper than the Pact verifier reads a pact',
        );
      });
    }

    it('reads a pact exactly as deep as the bound', () => {
      const pact = JSON.parse(contract) as Record<string, unknown>;
      pact.metadata = JSON.parse(nested(MAX_JSON_DEPTH - 1, '1'));
      expect(parsePact(JSON.stringify(pact), { path: 'p.json' }).interactions).to.have.length(4);
    });

    it('is exit 2 with one line from conformance, not exit 3', async () => {
      const path = join(scratch, 'deep-pact.json');
      writeFileSync(path, deepAt('description'));
      const printed: string[] = [];
      const code = await runConformanceCli(['--pact', path, '--report-dir', join(scratch, 'deep-pact')], {
        env: {},
        io: { stdout: () => {}, stderr: (t) => printed.push(t) },
        signals: new EventEmitter(),
      });
      expect(code).to.equal(2);
      expect(printed).to.deep.equal([
        `conformance: cannot use pact ${path}: it nests more than 127 levels deep, deeper than the Pact verifier reads a pact\n`,
      ]);
    });
  });

  describe("in a provider's body", () => {
    const body = `{"object":"organization.project.api_key","id":${nested(DEPTH)}}`;
    const depthFinding = {
      pointer: '',
      keyword: 'depth',
      message: 'body nests more than 127 levels deep; no check reads it',
      severity: 'error',
    };

    it('is a finding, not a value any check walks', () => {
      expect(parseProviderJson(body)).to.deep.equal({ ok: false, findings: [depthFinding] });
      expect(parseProviderJson(nested(MAX_JSON_DEPTH - 1, '{}')).ok).to.equal(true);
    });

    it('is no body the other documents of the matrix are given', () => {
      expect(matrixBodyOf('userKey', { status: 200, text: body })).to.equal(undefined);
      expect(matrixBodyOf('userKey', { status: 200, text: '{"id":[[1]]}' })).to.deep.equal({
        key: 'userKey',
        body: { id: [[1]] },
      });
    });

    it('is invalid to validate, with the finding', () => {
      const out: string[] = [];
      const code = runValidate(
        ['--schema', 'ProjectApiKey', '--json', '-'],
        { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
        () => body,
      );
      expect(code).to.equal(1);
      expect(JSON.parse(out.join(''))).to.deep.equal({ valid: false, findings: [depthFinding] });
    });

    describe('from a live target', () => {
      let target: TestServer;
      before(async () => {
        target = await startServer((_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json' }).end(body);
        });
      });
      after(() => target.close());

      it('fails the run with the finding, every report written: exit 1, not 3', async () => {
        const dir = join(scratch, 'deep-body');
        const stderr: string[] = [];
        const code = await runConformanceCli(
          [
            ...['--base-url', target.url, '--project-id', 'proj_1', '--user-key-id', 'key_1'],
            ...['--also-spec', 'schemas/openai-openapi-f85dbe2.yaml', '--report-dir', dir],
          ],
          {
            env: { OPENAI_ADMIN_KEY: 'sk-admin-EXAMPLE', GITHUB_STEP_SUMMARY: '' },
            io: { stdout: () => {}, stderr: (t) => stderr.push(t) },
            signals: new EventEmitter(),
          },
        );
        expect(code, stderr.join('')).to.equal(1);
        const result = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as ConformanceResult;
        expect(result.complete).to.equal(true);
        const transport = result.checks.find(
          (c) => c.name === 'key owned by a user: status and content-type',
        );
        expect(transport?.findings).to.deep.include(depthFinding);
        for (const report of Object.values(REPORT_FILES)) {
          expect(readFileSync(join(dir, report), 'utf8')).to.include('body nests more than 127 levels deep');
        }
      });
    });
  });

  describe("in the verifier's mismatches", () => {
    it('is a finding that says so, not a value quoted whole', () => {
      expect(
        findingsOfMismatch({ type: 'StatusMismatch', expected: 200, actual: deepValue() }),
      ).to.deep.equal([
        {
          pointer: '',
          keyword: 'status',
          severity: 'error',
          message: 'status: expected 200, got (a value nested more than 127 levels deep)',
        },
      ]);
    });
  });

  describe('in --consumer-version-selectors', () => {
    it('is one usage line', () => {
      expect(() => selectorsFlag(`[{"branch":${nested(DEPTH)}}]`)).to.throw(
        UsageError,
        /^--consumer-version-selectors nests more than 127 levels deep$/,
      );
    });
  });

  describe('in a state change sent to the reference provider', () => {
    it('is a 400, and the provider goes on answering', async () => {
      const provider = await startReferenceProvider({
        adminKey: EXAMPLE_ADMIN_KEY,
        stateChangePath: '/_pact/state',
      });
      try {
        // 30,000 levels: all that fits in the endpoint's 64 KB, and past the call stack.
        const post = (body: string) =>
          fetch(new URL('/_pact/state', provider.url), {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          });
        const deep = await post(`{"action":${nested(30_000)}}`);
        expect([deep.status, await deep.json()]).to.deep.equal([400, { error: 'POST a JSON state change' }]);
        const teardown = await post('{"action":"teardown"}');
        expect(teardown.status).to.equal(200);
      } finally {
        await provider.close();
      }
    });
  });

  describe('in a result a report is rendered from', () => {
    it('is shown as a note, in every report path that walks the result', () => {
      const result = failing();
      const finding = result.checks[0]?.findings[0] as unknown as Record<string, unknown>;
      finding.extra = deepValue();
      const redacted = redactResult(result, ['sk-admin-EXAMPLE']);
      const json = renderJson(result);
      for (const text of [JSON.stringify(redacted), json]) {
        expect(text).to.include('(nested more than 32 levels deep: not shown)');
        expect(text.length).to.be.below(1_000_000);
      }
    });
  });
});
