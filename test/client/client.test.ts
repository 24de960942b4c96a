import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import {
  type Fetch,
  NonConformingResponseError,
  NoResponseError,
  ProjectApiKeyClient,
  ProjectApiKeyNotFoundError,
  UnauthorizedError,
  UnexpectedStatusError,
} from '../../src/client/client.ts';
import { PathSegmentError } from '../../src/core/path-template.ts';
import { loadDocument } from '../../src/openapi/document.ts';
import { retrieveOperationOf } from '../../src/openapi/operation.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { drop, edited, NEWER_SPEC_PATH, seed } from '../helpers.ts';

// Built at run time: a whole-looking key never sits in a committed file.
const ADMIN_KEY = `sk-admin-${'T'.repeat(40)}`;
const valid = sampleOfComponent('ProjectApiKey', seed.document);
const openAIError = (message: string, type: string, code: string | null = null) => ({
  error: { message, type, param: null, code },
});

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}
type Reply = (response: ServerResponse, seen: Seen) => void;

const json =
  (status: number, body: unknown, contentType = 'application/json; charset=utf-8'): Reply =>
  (response) => {
    response.writeHead(status, { 'content-type': contentType });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

/** One loopback server for the file; each case says how it answers the next request. */
let server: Server;
let origin: string;
let reply: Reply = json(200, valid);
let seen: Seen[] = [];

const clientFor = (options: { prefix?: string; fetch?: Fetch; timeoutMs?: number; adminKey?: string } = {}) =>
  new ProjectApiKeyClient({
    baseUrl: `${origin}${options.prefix ?? '/v1'}`,
    adminKey: options.adminKey ?? ADMIN_KEY,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs ?? 2000,
  });

/** Resolves with what the call returned or threw, so a table can state either. */
const outcome = async (call: Promise<unknown>) => {
  try {
    return { value: await call };
  } catch (error) {
    return { error: error as Error };
  }
};

describe('ProjectApiKeyClient', () => {
  before(async () => {
    server = createServer((request, response) => {
      const current: Seen = { method: request.method, url: request.url, headers: request.headers };
      seen.push(current);
      reply(response, current);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  beforeEach(() => {
    seen = [];
    reply = json(200, valid);
  });

  describe('request', () => {
    const cases: { description: string; prefix: string; ids: [string, string]; path: string }[] = [
      {
        description: 'keeps the base URL path prefix',
        prefix: '/v1',
        ids: ['proj_abc', 'key_abc'],
        path: '/v1/organization/projects/proj_abc/api_keys/key_abc',
      },
      {
        description: 'tolerates a trailing slash on the base URL',
        prefix: '/v1/',
        ids: ['proj_abc', 'key_abc'],
        path: '/v1/organization/projects/proj_abc/api_keys/key_abc',
      },
      {
        description: 'works without a prefix',
        prefix: '',
        ids: ['proj_abc', 'key_abc'],
        path: '/organization/projects/proj_abc/api_keys/key_abc',
      },
      {
        description: 'URL-encodes both ids as single segments',
        prefix: '/v1',
        ids: ['proj a/b', 'key?#%'],
        path: '/v1/organization/projects/proj%20a%2Fb/api_keys/key%3F%23%25',
      },
      {
        description: 'keeps dot-dot inside an id from climbing out of its segment',
        prefix: '/v1',
        ids: ['proj_abc', 'key_x/../../../../admin'],
        path: '/v1/organization/projects/proj_abc/api_keys/key_x%2F..%2F..%2F..%2F..%2Fadmin',
      },
      {
        description: 'sends an already-encoded slash as the literal characters it is',
        prefix: '/v1',
        ids: ['proj_abc', 'key_x%2F..%2Fadmin'],
        path: '/v1/organization/projects/proj_abc/api_keys/key_x%252F..%252Fadmin',
      },
    ];
    for (const { description, prefix, ids, path } of cases) {
      it(description, async () => {
        const body = await clientFor({ prefix }).retrieveProjectApiKey(...ids);
        expect(body).to.deep.equal(valid);
        expect(seen.map((s) => [s.method, s.url])).to.deep.equal([['GET', path]]);
      });
    }

    it("builds the path from the document's template, whatever the document names its parameters", async () => {
      // Today's document names the key `{api_key_id}`: the same wire path, read from that document.
      const current = loadDocument(NEWER_SPEC_PATH).document;
      const client = new ProjectApiKeyClient({
        baseUrl: 'http://127.0.0.1:9/v1',
        adminKey: 'sk-admin-EXAMPLE',
        document: current,
      });
      expect(retrieveOperationOf(current).path.template).to.include('{api_key_id}');
      expect(client.urlOf('proj_a', 'key_b')).to.equal(
        'http://127.0.0.1:9/v1/organization/projects/proj_a/api_keys/key_b',
      );
      expect(clientFor().urlOf('proj_a', 'key_b')).to.match(
        /\/organization\/projects\/proj_a\/api_keys\/key_b$/,
      );
    });

    it('refuses an id of . or .., which no encoding keeps one segment, before sending', async () => {
      for (const keyId of ['.', '..']) {
        const { error } = await outcome(clientFor().retrieveProjectApiKey('proj_abc', keyId));
        expect(error).to.be.instanceOf(PathSegmentError);
      }
      expect(seen).to.deep.equal([]);
    });

    it('sends the admin key as a bearer token and asks for JSON', async () => {
      await clientFor().retrieveProjectApiKey('proj_abc', 'key_abc');
      expect(seen[0]?.headers.authorization).to.equal(`Bearer ${ADMIN_KEY}`);
      expect(seen[0]?.headers.accept).to.equal('application/json');
    });

    it('goes through the injected fetch', async () => {
      const calls: string[] = [];
      const recording: Fetch = (input, init) => {
        calls.push(String(input));
        return globalThis.fetch(input, init);
      };
      await clientFor({ fetch: recording }).retrieveProjectApiKey('proj_abc', 'key_abc');
      expect(calls).to.deep.equal([`${origin}/v1/organization/projects/proj_abc/api_keys/key_abc`]);
    });

    it('refuses a base URL that is not a URL and empty ids', async () => {
      expect(() => new ProjectApiKeyClient({ baseUrl: 'api.openai.com', adminKey: ADMIN_KEY })).to.throw(
        TypeError,
        /baseUrl/,
      );
      const { error } = await outcome(clientFor().retrieveProjectApiKey('', 'key_abc'));
      expect(error).to.be.instanceOf(TypeError);
      expect(seen).to.deep.equal([]);
    });
  });

  describe('responses', () => {
    const cases: {
      description: string;
      /** The server or fetch echoes the key: the client says what it said (redacting is the writers'). */
      echoes?: boolean;
      reply: Reply;
      timeoutMs?: number;
      fetch?: Fetch;
      want: (result: { value?: unknown; error?: Error }) => void;
    }[] = [
      {
        description: 'a valid key is returned as parsed',
        reply: json(200, valid),
        want: ({ value }) => expect(value).to.deep.equal(valid),
      },
      {
        description: 'an undeclared property is only a warning: the key is returned',
        reply: json(200, edited(valid, ['/last_used_at', 1711471533])),
        want: ({ value }) => expect(value).to.have.property('last_used_at', 1711471533),
      },
      {
        description: 'a body with "id" twice, the first another key: non-conforming, naming the key',
        reply: json(200, `{"id":"key_other",${JSON.stringify(valid).slice(1)}`),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(NonConformingResponseError);
          const findings = (error as NonConformingResponseError).findings;
          expect(findings.map((f) => [f.pointer, f.keyword, f.severity])).to.deep.equal([
            ['/id', 'duplicateKey', 'error'],
          ]);
          expect(findings[0]?.message).to.match(/^key "id" appears twice in one object/);
          expect(error?.message).to.contain('first at /id');
        },
      },
      {
        description: '404 with an OpenAI error body: not found, carrying the body',
        reply: json(404, openAIError('No such API key: key_abc', 'invalid_request_error')),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(ProjectApiKeyNotFoundError);
          const notFound = error as ProjectApiKeyNotFoundError;
          expect(notFound.name).to.equal('ProjectApiKeyNotFoundError');
          expect(notFound.status).to.equal(404);
          expect(notFound.errorBody?.error.type).to.equal('invalid_request_error');
          expect(notFound.message).to.match(/No such API key/);
        },
      },
      {
        description: '404 with a body that is not OpenAI-shaped: not found, no body',
        reply: json(404, '<h1>Not Found</h1>', 'text/html'),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(ProjectApiKeyNotFoundError);
          expect((error as ProjectApiKeyNotFoundError).errorBody).to.equal(undefined);
        },
      },
      {
        description: '401: unauthorised with status and body',
        reply: json(
          401,
          openAIError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'),
        ),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(UnauthorizedError);
          expect((error as UnauthorizedError).status).to.equal(401);
          expect((error as UnauthorizedError).errorBody?.error.code).to.equal('invalid_api_key');
        },
      },
      {
        description: '403 (missing scopes): unauthorised with status 403',
        reply: json(403, openAIError('Missing scopes: api.management.read', 'invalid_request_error')),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(UnauthorizedError);
          expect((error as UnauthorizedError).status).to.equal(403);
        },
      },
      {
        description: "a server's 401 body, as it said it (the writer redacts on the way out, not the client)",
        echoes: true,
        reply: (response, request) =>
          json(401, openAIError(`Incorrect API key provided: ${request.headers.authorization}`, 'x'))(
            response,
            request,
          ),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(UnauthorizedError);
          expect((error as UnauthorizedError).errorBody?.error.message).to.match(
            /^Incorrect API key provided: /,
          );
        },
      },
      {
        description: '200 missing a required property: non-conforming, with findings and body',
        reply: json(200, edited(valid, ['/redacted_value', drop])),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(NonConformingResponseError);
          const nonConforming = error as NonConformingResponseError;
          expect(nonConforming.findings.map((f) => [f.pointer, f.keyword])).to.deep.equal([
            ['/redacted_value', 'required'],
          ]);
          expect(nonConforming.body).to.have.property('id');
          expect(nonConforming.message).to.match(/\/redacted_value/);
        },
      },
      {
        description: '200 with an enum value outside the schema: non-conforming at the pointer',
        reply: json(200, edited(valid, ['/owner/type', 'robot'])),
        want: ({ error }) =>
          expect((error as NonConformingResponseError).findings.map((f) => f.pointer)).to.deep.equal([
            '/owner/type',
          ]),
      },
      {
        description: '200 labelled JSON whose body is not JSON: non-conforming',
        reply: json(200, '{"object":'),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(NonConformingResponseError);
          expect((error as NonConformingResponseError).findings[0]?.keyword).to.equal('json');
          expect((error as NonConformingResponseError).body).to.equal('{"object":');
        },
      },
      {
        description: '200 with a JSON body labelled text/plain: non-conforming content type',
        reply: json(200, valid, 'text/plain'),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(NonConformingResponseError);
          expect((error as NonConformingResponseError).findings[0]?.keyword).to.equal('contentType');
          expect((error as NonConformingResponseError).body).to.deep.equal(valid);
        },
      },
      {
        description: '500: unexpected status with the error body',
        reply: json(500, openAIError('The server had an error', 'server_error')),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(UnexpectedStatusError);
          expect((error as UnexpectedStatusError).status).to.equal(500);
          expect((error as UnexpectedStatusError).errorBody?.error.type).to.equal('server_error');
        },
      },
      {
        description: 'connection reset: transport failure with the cause',
        reply: (response) => response.socket?.destroy(),
        want: ({ error }) => {
          expect(error).to.be.instanceOf(NoResponseError);
          expect((error as NoResponseError).causeMessage).to.match(/fetch failed|socket|reset/i);
        },
      },
      {
        description: 'no answer within timeoutMs: transport failure saying so',
        reply: () => {},
        timeoutMs: 50,
        want: ({ error }) => {
          expect(error).to.be.instanceOf(NoResponseError);
          expect(error?.message).to.match(/timed out after 50 ms/);
        },
      },
      {
        description: 'the injected fetch gives up (a size cap): transport failure with its message',
        reply: json(200, valid),
        fetch: async () => {
          throw new Error('response body exceeds 1048576 bytes');
        },
        want: ({ error }) => {
          expect(error).to.be.instanceOf(NoResponseError);
          expect((error as NoResponseError).causeMessage).to.equal('response body exceeds 1048576 bytes');
        },
      },
      {
        description: "a fetch that throws: its message is the error's cause",
        echoes: true,
        reply: json(200, valid),
        fetch: async (_input, init) => {
          throw new Error(`refused ${new Headers(init?.headers).get('authorization')}`);
        },
        want: ({ error }) => {
          expect(error).to.be.instanceOf(NoResponseError);
          expect((error as NoResponseError).causeMessage).to.match(/^refused Bearer /);
        },
      },
    ];
    for (const testCase of cases) {
      it(testCase.description, async () => {
        reply = testCase.reply;
        const client = clientFor({ timeoutMs: testCase.timeoutMs, fetch: testCase.fetch });
        const result = await outcome(client.retrieveProjectApiKey('proj_abc', 'key_abc'));
        testCase.want(result);
        // Every error is data with a name and the URL, and carries the key only when the other side echoed it.
        if (result.error) {
          expect(result.error.name).to.equal(result.error.constructor.name);
          expect(result.error)
            .to.have.property('url')
            .that.matches(/\/api_keys\/key_abc$/);
          const carried = JSON.stringify({ ...result.error, message: result.error.message });
          expect(carried.includes(ADMIN_KEY), 'the key in the error').to.equal(testCase.echoes === true);
        }
      });
    }

    it('a refused connection is a transport failure', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const client = new ProjectApiKeyClient({ baseUrl: `http://127.0.0.1:${port}/v1`, adminKey: ADMIN_KEY });
      const { error } = await outcome(client.retrieveProjectApiKey('proj_abc', 'key_abc'));
      expect(error).to.be.instanceOf(NoResponseError);
      expect((error as NoResponseError).causeMessage).to.match(/ECONNREFUSED/);
    });
  });

  describe('the document a body must conform to', () => {
    const newer = loadDocument(NEWER_SPEC_PATH).document;
    const todays = sampleOfComponent('ProjectApiKey', newer);

    it("by default the seed's: today's shape is non-conforming at /owner/user/added_at", async () => {
      reply = json(200, todays);
      const { error } = await outcome(clientFor().retrieveProjectApiKey('proj_abc', 'key_abc'));
      expect(error).to.be.instanceOf(NonConformingResponseError);
      expect((error as NonConformingResponseError).findings.map((f) => f.pointer)).to.include(
        '/owner/user/added_at',
      );
    });

    it("given today's document: today's shape is returned, the seed's is non-conforming", async () => {
      const client = new ProjectApiKeyClient({ baseUrl: origin, adminKey: ADMIN_KEY, document: newer });
      reply = json(200, todays);
      expect(await client.retrieveProjectApiKey('proj_abc', 'key_abc')).to.deep.equal(todays);
      reply = json(200, valid);
      const { error } = await outcome(client.retrieveProjectApiKey('proj_abc', 'key_abc'));
      expect((error as NonConformingResponseError).findings.map((f) => f.pointer)).to.include(
        '/last_used_at',
      );
    });
  });
});
