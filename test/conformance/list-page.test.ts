import { expect } from 'chai';
import {
  listBodyFindings,
  listSecretFindings,
  type PageStep,
  type Paging,
  pageStep,
  pagingFor,
} from '../../src/conformance/list-page.ts';
import { loadDocument } from '../../src/openapi/document.ts';
import { listOperationOf } from '../../src/openapi/list-operation.ts';
import { validatorsFor } from '../../src/openapi/validators.ts';
import { NEWER_SPEC_PATH, seed } from '../helpers.ts';

// A list page as a step of the paging: the faults the issue names, each a failure with a clear message, and
// the step after it (on, the end, --max-keys, or a stop); and a page against the list response's schema.

const key = (id: string, type = 'user') => ({ id, owner: { type } });
const page = (ids: string[], hasMore: boolean, lastId: string | null = ids.at(-1) ?? null) => ({
  object: 'list',
  data: ids.map((id) => key(id)),
  first_id: ids[0] ?? null,
  last_id: lastId,
  has_more: hasMore,
});

interface Case {
  name: string;
  /** Pages in the order they come; the last one's verdict is judged. */
  pages: unknown[];
  limit?: number;
  maxKeys?: number;
  step: PageStep['kind'];
  keyword?: string;
  message?: RegExp;
  keys?: string[];
}

const cases: Case[] = [
  {
    name: 'a full page with more to come: go on after its last id',
    pages: [page(['k1', 'k2'], true)],
    step: 'next',
    keys: ['k1', 'k2'],
  },
  {
    name: 'the last page: the end',
    pages: [page(['k1'], true), page(['k2'], false)],
    step: 'end',
    keys: ['k2'],
  },
  { name: 'an empty last page: the end, no fault', pages: [page([], false)], step: 'end', keys: [] },
  {
    name: 'has_more true with an empty page',
    pages: [page([], true)],
    step: 'stop',
    keyword: 'emptyPage',
    message: /has_more is true but the page is empty/,
  },
  {
    name: 'the cursor starts over: page 2 repeats page 1',
    pages: [page(['k1', 'k2'], true), page(['k1', 'k2'], true)],
    step: 'stop',
    keyword: 'cursor',
    message: /lists 2 of 2 keys again .*started over or went back/,
    keys: [],
  },
  {
    name: 'the cursor goes back: page 3 repeats a key of page 1',
    pages: [page(['k1', 'k2'], true), page(['k3', 'k4'], true), page(['k2', 'k5'], true)],
    step: 'stop',
    keyword: 'cursor',
    keys: ['k5'],
  },
  {
    name: 'a last_id that is not on its page',
    pages: [page(['k1', 'k2'], true, 'k9')],
    step: 'next',
    keyword: 'lastId',
    message: /last_id "k9" is not on its page/,
  },
  {
    name: 'a last_id on its page but not its last key',
    pages: [page(['k1', 'k2'], true, 'k1')],
    step: 'next',
    keyword: 'lastId',
    message: /is on its page but not its last key/,
  },
  {
    name: 'has_more true and last_id null: the last key is the cursor, and a fault',
    pages: [page(['k1'], true, null)],
    step: 'next',
    keyword: 'lastId',
    message: /has_more is true but last_id is null/,
  },
  {
    name: 'more pages than --max-keys could need',
    pages: [page(['k1'], true), page(['k2'], true), page(['k3'], true)],
    limit: 2,
    maxKeys: 4,
    step: 'stop',
    keyword: 'pageBudget',
    message: /3 pages read and has_more is still true: more than --max-keys 4 could need at limit 2 \(3\)/,
  },
  {
    name: '--max-keys reached with more to come: a stop, not a fault',
    pages: [page(['k1', 'k2', 'k3'], true)],
    maxKeys: 2,
    step: 'stop',
    keys: ['k1', 'k2'],
  },
  {
    name: 'not a list at all: the paging stops (the schema check says why)',
    pages: [{ object: 'list', data: 'none', has_more: true }],
    step: 'stop',
  },
];

describe('pageStep: one page of the list as a step of the paging', () => {
  for (const c of cases) {
    it(c.name, () => {
      const paging: Paging = pagingFor(c.limit ?? 100, c.maxKeys ?? 1000);
      let verdict = pageStep(paging, c.pages[0]);
      for (const next of c.pages.slice(1)) verdict = pageStep(paging, next);
      expect(verdict.step.kind, JSON.stringify(verdict)).to.equal(c.step);
      if (c.keyword) {
        const finding = verdict.findings.find((f) => f.keyword === c.keyword);
        expect(finding, JSON.stringify(verdict.findings)).to.not.equal(undefined);
        expect(finding?.severity).to.equal('error');
        if (c.message) expect(finding?.message).to.match(c.message);
      } else {
        expect(verdict.findings).to.deep.equal([]);
      }
      if (c.keys) expect(verdict.keys.map((k) => k.id)).to.deep.equal(c.keys);
      if (verdict.step.kind === 'stop')
        expect(verdict.step.fault).to.equal(c.keyword !== undefined || c.name.startsWith('not a list'));
    });
  }

  it('names where each key was listed and its owner type', () => {
    const paging = pagingFor(100, 1000);
    pageStep(paging, page(['k1'], true));
    const { keys } = pageStep(paging, {
      ...page([], false),
      data: [key('k2', 'service_account'), 'junk', key('k3')],
    });
    expect(keys.map(({ id, ownerType, page: at, index }) => [id, ownerType, at, index])).to.deep.equal([
      ['k2', 'service_account', 2, 0],
      ['k3', 'user', 2, 2],
    ]);
  });
});

describe('listBodyFindings: a page against the list response and each entry against --spec’s ProjectApiKey', () => {
  const current = loadDocument(NEWER_SPEC_PATH);
  const listValidators = validatorsFor(current.document, current.sha256);
  const component = listOperationOf(current.document)?.component as string;

  it('holds the envelope to the list document and the entries to the --spec document', () => {
    const schemas = {
      list: listValidators,
      component,
      entries: validatorsFor(seed.document, seed.sha256),
      strict: false,
    };
    const findings = listBodyFindings({ object: 'page', data: [{ id: 'k1' }], has_more: 'no' }, schemas);
    const at = findings.filter((f) => f.severity === 'error').map((f) => `${f.pointer} ${f.keyword}`);
    expect(at).to.include.members(['/object enum', '/has_more type', '/data/0/owner required']);
    // The seed's ProjectApiKey has no last_used_at: held to the --spec document, an entry need not have one.
    expect(at).to.not.include('/data/0/last_used_at required');
  });

  it('is silent on a page the list document describes', () => {
    const schemas = { list: listValidators, component, entries: listValidators, strict: true };
    expect(
      listBodyFindings({ object: 'list', data: [], first_id: null, last_id: null, has_more: false }, schemas),
    ).to.deep.equal([]);
  });

  it('judges a body that is no list at all as a whole', () => {
    const schemas = { list: listValidators, component, entries: listValidators, strict: false };
    const findings = listBodyFindings([1, 2], schemas);
    expect(findings.map((f) => [f.pointer, f.keyword])).to.deep.include(['', 'type']);
  });
});

describe('listSecretFindings: what each entry shows of its key', () => {
  it('fails an entry whose redacted_value is a whole key, at its place in the page', () => {
    const whole = `sk-proj-${'A1b2C3d4'.repeat(12)}`;
    const findings = listSecretFindings({
      data: [{ redacted_value: 'sk-proj-ab***cd' }, { redacted_value: whole }],
    });
    expect(findings.map((f) => [f.pointer, f.severity, f.keyword])).to.deep.equal([
      ['/data/1/redacted_value', 'error', 'redaction'],
    ]);
    expect(findings[0]?.message).to.not.include(whole);
  });
});
