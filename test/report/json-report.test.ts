import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { CHECK_CATEGORIES, CHECK_STATUSES } from '../../src/core/check.ts';
import { visibleText } from '../../src/core/text.ts';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { REPORT_KEY_ORDER, renderJson } from '../../src/report/json-report.ts';
import { drop, type Edit, edited, repoPath } from '../helpers.ts';
import { FIXTURES, failing, HOSTILE, probed } from './fixtures.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const schema = JSON.parse(readFileSync(repoPath('schemas/conformance-report.schema.json'), 'utf8'));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const rendered = (result: ConformanceResult): unknown => JSON.parse(renderJson(result));
/** `result` as a report shows it: every string made visible text (the fixtures are far below the limits). */
const shown = (result: ConformanceResult): unknown =>
  JSON.parse(
    JSON.stringify(result, (_key, value) => (typeof value === 'string' ? visibleText(value) : value)),
  );

describe('renderJson', () => {
  for (const [name, build] of FIXTURES) {
    it(`renders the ${name} result as given, valid against the report schema`, () => {
      const json = rendered(build());
      expect(validate(json), JSON.stringify(validate.errors)).to.equal(true);
      expect(json).to.deep.equal(shown(build()));
    });
  }

  it('holds a control character from a body as its code in text: a reader decoding the JSON gets no ESC', () => {
    const json = rendered(failing()) as ConformanceResult;
    const message = json.checks
      .flatMap((c) => c.findings)
      .find((f) => f.message.startsWith('expected "string"'))?.message;
    expect(HOSTILE.message).to.include('\u001b[31m');
    expect(message).to.equal(
      'expected "string" but got <b>&amp;</b> | `value` \\u001b[31mred\\u0000\\u000c end \uFFFD',
    );
  });

  it('indents by two spaces and ends with a newline', () => {
    const text = renderJson(failing());
    expect(text).to.match(/^\{\n {2}"verdict": "fail",\n {2}"complete": true,\n/);
    expect(text.endsWith('}\n')).to.equal(true);
  });

  it('orders keys as the model does, whatever order the producer built them in', () => {
    const result = failing();
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([k, v]) => [k, reversed(v)]),
      );
    };
    const shuffled = reversed(result) as ConformanceResult;
    expect(Object.keys(shuffled)[0]).to.equal('exchanges');
    expect(renderJson(shuffled)).to.equal(renderJson(result));
    const json = rendered(shuffled) as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(json)).to.deep.equal(REPORT_KEY_ORDER.result.filter((k) => k in result));
    expect(Object.keys(json.checks?.[0] ?? {})).to.deep.equal([
      'name',
      'category',
      'status',
      'findings',
      'durationMs',
    ]);
    expect(Object.keys(json.exchanges?.[0] ?? {})).to.deep.equal([
      'id',
      'check',
      'request',
      'response',
      'attempts',
      'durationMs',
    ]);
  });

  it('keeps a field a newer producer added, after the known ones', () => {
    const json = rendered({ ...failing(), runId: 'r1' } as ConformanceResult) as Record<string, unknown>;
    expect(Object.keys(json).at(-1)).to.equal('runId');
  });
});

describe('schemas/conformance-report.schema.json', () => {
  it('enumerates the categories and statuses of result.ts', () => {
    const check = schema.$defs.check.properties;
    expect(check.category.enum).to.deep.equal([...CHECK_CATEGORIES]);
    expect(check.status.enum).to.deep.equal([...CHECK_STATUSES]);
  });

  it('declares exactly the fields the JSON report writes, in the same order', () => {
    const objects: [keyof typeof REPORT_KEY_ORDER, { properties: Record<string, unknown> }][] = [
      ['result', schema],
      ['summary', schema.properties.summary],
      ['target', schema.properties.target],
      ['spec', schema.properties.spec],
      ['pact', schema.$defs.pact],
      ['publication', schema.$defs.publication],
      ['check', schema.$defs.check],
      ['finding', schema.$defs.finding],
      ['exchange', schema.$defs.exchange],
      ['request', schema.$defs.exchange.properties.request],
      ['response', schema.$defs.exchange.properties.response],
      ['attempt', schema.$defs.attempt],
      ['probing', schema.properties.probing],
      ['probeFailure', schema.$defs.probeFailure],
    ];
    for (const [shape, node] of objects) {
      expect(Object.keys(node.properties), shape).to.deep.equal([...REPORT_KEY_ORDER[shape]]);
    }
  });

  const tampered: [string, Edit[], RegExp][] = [
    ['an unknown check status', [['/checks/0/status', 'passed']], /\/checks\/0\/status/],
    ['an unknown category', [['/checks/1/category', 'style']], /\/checks\/1\/category/],
    ['no verdict', [['/verdict', drop]], /verdict/],
    ['a verdict other than pass or fail', [['/verdict', 'warn']], /\/verdict/],
    ['complete as a string', [['/complete', 'yes']], /\/complete/],
    ['a pointer that is not a JSON Pointer', [['/checks/0/findings/0/pointer', 'owner.user']], /pointer/],
    ['a pointer with a bad escape', [['/checks/0/findings/0/pointer', '/a~2b']], /pointer/],
    ['an unknown severity', [['/checks/0/findings/0/severity', 'info']], /severity/],
    ['a start time that is not a date-time', [['/startedAt', 'yesterday']], /\/startedAt/],
    ['a short sha256', [['/spec/sha256', 'abc123']], /\/spec\/sha256/],
    ['no pacts', [['/pacts', drop]], /pacts/],
    ['a pact that is not an object', [['/pacts/0', 'contracts/x.json']], /pacts/],
    [
      'a publication without its success',
      [['/pacts/0/publication', { published: true, providerVersion: 'v' }]],
      /success/,
    ],
    ['a pact without an id', [['/pacts/0/id', drop]], /id/],
    ['a negative count', [['/summary/failed', -1]], /\/summary\/failed/],
    ['a check without findings', [['/checks/0/findings', drop]], /findings/],
    ['a field the model does not have', [['/score', 7]], /additional/],
    ['an exchange with a status of 0', [['/exchanges/0/response/status', 0]], /status/],
  ];
  const tamperedProbing: [string, Edit[], RegExp][] = [
    ['a negative seed', [['/probing/seed', -1]], /\/probing\/seed/],
    ['more than 1000 probes', [['/probing/probes', 1001]], /\/probing\/probes/],
    ['no replay line', [['/probing/replay', drop]], /replay/],
    ['a failure without its method', [['/probing/failures/0/method', drop]], /method/],
  ];
  for (const [label, edits, where] of tamperedProbing) {
    it(`rejects a report whose probing has ${label}`, () => {
      const json = edited(rendered(probed()), ...edits);
      expect(validate(json)).to.equal(false);
      expect(JSON.stringify(validate.errors)).to.match(where);
    });
  }
  for (const [label, edits, where] of tampered) {
    it(`rejects a report with ${label}`, () => {
      const json = edited(rendered(failing()), ...edits);
      expect(validate(json)).to.equal(false);
      expect(JSON.stringify(validate.errors)).to.match(where);
    });
  }
});
