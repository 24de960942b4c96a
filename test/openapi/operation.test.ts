import { expect } from 'chai';
import { loadDocument, type OpenApiDocument } from '../../src/openapi/document.ts';
import { retrieveOperationOf } from '../../src/openapi/operation.ts';
import { edited, NEWER_SPEC_PATH, seed } from '../helpers.ts';

const OPERATION = '/paths/~1organization~1projects~1{project_id}~1api_keys~1{key_id}/get';
const ITEM = '/paths/~1organization~1projects~1{project_id}~1api_keys~1{key_id}';
const header = (name: string) => ({ name, in: 'header', schema: { type: 'string' } });
const pathParameters = (seed.document.paths['/organization/projects/{project_id}/api_keys/{key_id}']?.get
  ?.parameters ?? []) as unknown[];

describe('retrieveOperationOf: the request headers the document describes', () => {
  const cases: [string, OpenApiDocument, string[]][] = [
    ['the seed: its bearer scheme, nothing else', seed.document, ['authorization']],
    [
      'the newer document: the operation names AdminApiKeyAuth',
      loadDocument(NEWER_SPEC_PATH).document,
      ['authorization'],
    ],
    [
      'header parameters of the operation and of its path, a $ref followed, names lower-cased',
      edited(
        seed.document,
        [
          `${OPERATION}/parameters`,
          [...pathParameters, header('OpenAI-Organization'), { $ref: '#/components/parameters/Project' }],
        ],
        [
          `${ITEM}/parameters`,
          [header('X-Request-Id'), { name: 'session', in: 'cookie' }, { name: 'q', in: 'query' }],
        ],
        ['/components/parameters', { Project: header('OpenAI-Project') }],
      ),
      ['authorization', 'openai-organization', 'openai-project', 'x-request-id'],
    ],
    [
      'an operation that asks for no security, whatever the document does',
      edited(seed.document, [`${OPERATION}/security`, []]),
      [],
    ],
    [
      'an apiKey scheme in a header: its name',
      edited(
        seed.document,
        ['/components/securitySchemes', { Key: { type: 'apiKey', in: 'header', name: 'api-key' } }],
        ['/security', [{ Key: [] }]],
      ),
      ['api-key'],
    ],
    [
      'a $ref nobody can resolve and a scheme nobody defines: nothing',
      edited(
        seed.document,
        [
          `${OPERATION}/parameters`,
          [...pathParameters, { $ref: '#/components/parameters/Missing' }, { $ref: 'other.yaml#/x' }],
        ],
        ['/security', [{ Undefined: [] }]],
      ),
      [],
    ],
  ];
  for (const [label, document, want] of cases) {
    it(label, () => {
      expect(retrieveOperationOf(document).headers).to.deep.equal(want);
    });
  }
});
