import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { dump, load } from 'js-yaml';
import { MAX_DOCUMENT_BYTES } from '../../src/openapi/budget.ts';
import { loadDocument, parseDocument, SpecError } from '../../src/openapi/document.ts';
import { compileValidators } from '../../src/openapi/validators.ts';
import { readText, repoPath } from '../helpers.ts';
import { HOSTILE_DOCUMENTS } from './hostile-documents.ts';

// A document is outside data: whatever it holds, loading it and compiling its validators end, in bounded
// memory, with the document usable or a SpecError (exit 2) that names it and what is wrong, never a
// RangeError, a read or a fetch.

const scratch = mkdtempSync(join(tmpdir(), 'hostile-documents-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const SEED_TEXT = readText(repoPath('schemas/openapi.yaml'));
// biome-ignore lint/suspicious/noExplicitAny: an edit reaches anywhere in its own copy
const seedWith = (edit: (document: Record<string, any>) => void): string => {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const document = load(SEED_TEXT) as Record<string, any>;
  edit(document);
  return dump(document);
};

/** `text` with `from` replaced, which must be there. */
const replaced = (text: string, from: string, to: string): string => {
  if (!text.includes(from)) throw new Error(`no ${JSON.stringify(from)} to replace`);
  return text.replace(from, to);
};

/** Loads and compiles as a run does; the SpecError's message, or undefined when the document is usable. */
const refusal = (text: string, path: string): string | undefined => {
  try {
    compileValidators(parseDocument(text, path), undefined, path);
    return undefined;
  } catch (error) {
    if (error instanceof SpecError) return error.message;
    throw error;
  }
};

describe('hostile documents', () => {
  describe('are refused with one line naming the document and the cause', () => {
    for (const { name, text, message, refusedAt } of HOSTILE_DOCUMENTS) {
      it(name, () => {
        const said = refusal(text, 'hostile.yaml');
        expect(said).to.be.a('string');
        expect(said).to.match(/^cannot use OpenAPI document hostile\.yaml: /);
        expect(said?.replace(/^cannot use OpenAPI document hostile\.yaml: /, '')).to.match(message);
        expect(said).not.to.contain('\n');
        // Refused when loaded: before ajv or RE2 compiles anything of it.
        if (refusedAt === 'load') expect(() => parseDocument(text, 'hostile.yaml')).to.throw(SpecError);
      });
    }

    it(`a document over ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB, read no further`, () => {
      const path = join(scratch, 'large.yaml');
      writeFileSync(path, `openapi: 3.0.0\nx-padding: "${'a'.repeat(MAX_DOCUMENT_BYTES)}"\n`);
      expect(() => loadDocument(path)).to.throw(
        SpecError,
        /^cannot use OpenAPI document .*large\.yaml: it is larger than 32 MiB$/,
      );
    });
  });

  describe('what is not hostile still loads', () => {
    const cases: [string, string][] = [
      [
        'a recursive schema whose ref goes through a property (a tree)',
        seedWith((d) => {
          d.components.schemas.Node = {
            type: 'object',
            properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
          };
        }),
      ],
      [
        'refs in examples, enums and x- extensions, which are data',
        seedWith((d) => {
          const name = d.components.schemas.ProjectApiKey.properties.name;
          name.example = { $ref: 'http://example.com/not-followed' };
          name['x-note'] = { $ref: '/etc/passwd' };
          name.enum = ['a', { $ref: 'b.yaml' }];
        }),
      ],
      [
        'a response named default and a component named example, each a local ref',
        seedWith((d) => {
          d.components.schemas.example = { type: 'string' };
          d.components.responses = { Key: { description: 'a key' } };
          d.paths['/organization/projects/{project_id}/api_keys/{key_id}'].get.responses.default = {
            $ref: '#/components/responses/Key',
          };
        }),
      ],
      [
        'a YAML anchor used a few times',
        replaced(
          replaced(
            SEED_TEXT,
            '            user:\n              $ref:',
            '            user: &user\n              $ref:',
          ),
          "            service_account:\n              $ref: '#/components/schemas/ProjectServiceAccount'",
          '            service_account: *user',
        ),
      ],
      [
        'patterns as real documents have them: long ones, and a thousand',
        seedWith((d) => {
          const { properties } = d.components.schemas.ProjectApiKey;
          properties.name.pattern = '^[a-zA-Z0-9._%+-]{1,64}@(?:[a-zA-Z0-9-]{1,63}\\.){1,8}[a-zA-Z]{2,63}$';
          properties.id.allOf = Array.from({ length: 1000 }, (_, i) => ({ pattern: `^key_${i}[a-z0-9]*$` }));
        }),
      ],
      [
        'schemas recursive through keywords that go into a property, an item or a name (3.1)',
        seedWith((d) => {
          d.openapi = '3.1.0';
          const self = (name: string) => ({ $ref: `#/components/schemas/${name}` });
          Object.assign(d.components.schemas, {
            ByPattern: { type: 'object', patternProperties: { '^x': self('ByPattern') } },
            ByNames: {
              type: 'object',
              propertyNames: { type: 'string' },
              additionalProperties: self('ByNames'),
            },
            ByContains: { type: 'array', contains: self('ByContains') },
            ByPrefix: { type: 'array', prefixItems: [self('ByPrefix')], minItems: 1, items: false },
            ByItems: { type: 'array', items: self('ByItems') },
            ByUnevaluated: { type: 'object', unevaluatedProperties: self('ByUnevaluated') },
            ByUnevaluatedItems: { type: 'array', unevaluatedItems: self('ByUnevaluatedItems') },
          });
        }),
      ],
      [
        'refs under allOf and oneOf naming the same schemas: 10 levels, each naming the next twice',
        seedWith((d) => {
          const schemas = d.components.schemas;
          schemas.ProjectUser.properties.name = { $ref: '#/components/schemas/Fan0' };
          for (let i = 0; i < 10; i++) {
            const next = { $ref: `#/components/schemas/Fan${i + 1}` };
            schemas[`Fan${i}`] =
              i % 2 ? { oneOf: [next, { ...next, description: 'again' }] } : { allOf: [next, { ...next }] };
          }
          schemas.Fan10 = { type: 'string' };
        }),
      ],
      [
        'a chain of 150 $refs',
        seedWith((d) => {
          d.components.schemas.ProjectApiKey.properties.owner.properties.user = {
            $ref: '#/components/schemas/Chain0',
          };
          for (let i = 0; i < 150; i++) {
            d.components.schemas[`Chain${i}`] =
              i === 149 ? { type: 'object' } : { $ref: `#/components/schemas/Chain${i + 1}` };
          }
        }),
      ],
    ];
    for (const [label, text] of cases) {
      it(label, () => {
        expect(refusal(text, 'fine.yaml')).to.equal(undefined);
      });
    }
  });
});
