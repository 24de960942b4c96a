import { expect } from 'chai';
import type { Change } from '../../src/drift/change.ts';
import { DRIFT_GROUPS, type DriftReport, renderDrift } from '../../src/drift/report.ts';

// The table a person reads: grouped by who breaks, worst first, document text made visible as text.

const change = (
  kind: Change['kind'],
  pointer: string,
  breaksConsumers: boolean,
  breaksProviders: boolean,
): Change => ({
  kind,
  pointer,
  from: null,
  to: null,
  breaksConsumers,
  breaksProviders,
  keyword: 'type',
  message: `${kind} at ${pointer}: because`,
});

const reportOf = (changes: Change[], toOperation = 'GET /things/{thing_id}'): DriftReport => ({
  from: {
    path: 'old.yaml',
    openapi: '3.0.0',
    version: '1',
    sha256: '0'.repeat(64),
    operation: 'GET /things/{thing_id}',
  },
  to: { path: 'new.yaml', openapi: '3.1.0', version: '2', sha256: '1'.repeat(64), operation: toOperation },
  changes,
});

describe('renderDrift', () => {
  it('puts each change in exactly one group', () => {
    for (const [c, p] of [
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ] as const) {
      const holding = DRIFT_GROUPS.filter((g) => g.holds(change('type-changed', '/a', c, p)));
      expect(holding, `consumers ${c}, providers ${p}`).to.have.length(1);
    }
  });

  it('groups worst first, leaves out empty groups, and tallies', () => {
    const text = renderDrift(
      reportOf([
        change('format-changed', '/created_at', false, false),
        change('required-added', '/last_used_at', false, true),
        change('property-removed', '/owner/user/added_at', true, false),
      ]),
    );
    const titles = text.split('\n').filter((line) => /^Breaks /.test(line));
    expect(titles).to.deep.equal(['Breaks consumers (1)', 'Breaks providers (1)', 'Breaks no one (1)']);
    expect(text).to.include(
      '  property-removed  /owner/user/added_at  property-removed at /owner/user/added_at: because\n',
    );
    expect(text.trimEnd().split('\n').at(-1)).to.equal('3 changes: 1 break consumers, 1 break providers.');
  });

  it('names both documents, and the operation as the new one spells it when that differs', () => {
    const lines = renderDrift(reportOf([], 'GET /things/{id}')).split('\n');
    expect(lines.slice(0, 3)).to.deep.equal([
      'drift of GET /things/{thing_id}',
      '  from old.yaml (OpenAPI 3.0.0, version 1)',
      '  to   new.yaml (OpenAPI 3.1.0, version 2), as GET /things/{id}',
    ]);
    expect(lines).to.include('No change to the operation.');
  });

  it('shows the root pointer by name and control characters from a document as visible text', () => {
    const text = renderDrift(
      reportOf([
        change('type-changed', '', true, true),
        change('property-added', '/a\u001b[31m', false, false),
      ]),
    );
    expect(text).to.include('  type-changed    (root)');
    expect(text).not.to.include('\u001b');
    expect(text).to.include('/a\\u001b[31m');
  });
});
