// What the project's validator costs per body against plain ajv on the same component, a hand-written
// check of the same rules and openapi-response-validator, on a valid and an invalid ProjectApiKey:
// `npm run bench:validate -- [--ms 300] [--rounds 5]`. A measurement, not a test: it asserts nothing.

import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import openApiResponseValidatorModule from 'openapi-response-validator';
import { loadDocument } from '../src/openapi/document.ts';
import { sampleOfComponent } from '../src/openapi/sample.ts';
import { validatorsFor } from '../src/openapi/validators.ts';

// Both are CommonJS with a default export; under NodeNext they arrive as the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const OpenAPIResponseValidator = openApiResponseValidatorModule.default;

const { values } = parseArgs({
  options: { ms: { type: 'string', default: '300' }, rounds: { type: 'string', default: '5' } },
});
const roundMs = Number(values.ms);
const rounds = Number(values.rounds);
if (!(roundMs > 0 && Number.isInteger(rounds) && rounds > 0)) {
  process.stderr.write('bench:validate: --ms and --rounds must be positive numbers\n');
  process.exit(2);
}

const { document } = loadDocument();
const COMPONENT = 'ProjectApiKey';
const schemas = document.components?.schemas ?? {};

const valid = sampleOfComponent(COMPONENT, document) as Json;
// Every kind of finding at once: a missing required property, a wrong enum, a wrong type, an undeclared one.
const invalid = structuredClone(valid) as Json & { owner: Json & { user: Json } };
delete invalid.owner.user.added_at;
invalid.owner.type = 'robot';
invalid.created_at = '2024-03-26';
invalid.last_used_at = 1711471533;

// Plain ajv: the component as the document states it, its $refs resolved inside one root schema.
const plainAjv = (allErrors: boolean) => {
  const ajv = new Ajv({ strict: false, allErrors });
  addFormats(ajv);
  return ajv.compile({ ...schemas[COMPONENT], components: { schemas } });
};
const plain = plainAjv(false);
const plainAllErrors = plainAjv(true);

const project = validatorsFor(document);

const operation = document.paths['/organization/projects/{project_id}/api_keys/{key_id}']?.get;
const responseValidator = new OpenAPIResponseValidator({
  responses: structuredClone(operation?.responses ?? {}) as never,
  components: structuredClone(document.components) as never,
});

// The same rules written out by hand, straight-line: required, types, enums, undeclared properties.
// Returns the pointers of what is wrong.
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isRole = (v: unknown) => v === 'owner' || v === 'member';
const KEY_PROPERTIES = new Set(['object', 'redacted_value', 'name', 'created_at', 'id', 'owner']);
const OWNER_PROPERTIES = new Set(['type', 'user', 'service_account']);
const USER_PROPERTIES = new Set(['object', 'id', 'name', 'email', 'role', 'added_at']);
const ACCOUNT_PROPERTIES = new Set(['object', 'id', 'name', 'role', 'created_at']);
const undeclared = (at: string, o: Json, declared: Set<string>, out: string[]) => {
  for (const key in o) if (!declared.has(key)) out.push(`${at}/${key}`);
};
const checkUser = (at: string, u: unknown, out: string[]) => {
  if (!isObject(u)) return void out.push(at);
  if (u.object !== 'organization.project.user') out.push(`${at}/object`);
  if (typeof u.id !== 'string') out.push(`${at}/id`);
  if (typeof u.name !== 'string') out.push(`${at}/name`);
  if (typeof u.email !== 'string') out.push(`${at}/email`);
  if (!isRole(u.role)) out.push(`${at}/role`);
  if (!Number.isInteger(u.added_at)) out.push(`${at}/added_at`);
  undeclared(at, u, USER_PROPERTIES, out);
};
const checkServiceAccount = (at: string, a: unknown, out: string[]) => {
  if (!isObject(a)) return void out.push(at);
  if (a.object !== 'organization.project.service_account') out.push(`${at}/object`);
  if (typeof a.id !== 'string') out.push(`${at}/id`);
  if (typeof a.name !== 'string') out.push(`${at}/name`);
  if (!isRole(a.role)) out.push(`${at}/role`);
  if (!Number.isInteger(a.created_at)) out.push(`${at}/created_at`);
  undeclared(at, a, ACCOUNT_PROPERTIES, out);
};
const handWritten = (body: unknown): string[] => {
  const out: string[] = [];
  if (!isObject(body)) return [''];
  if (body.object !== 'organization.project.api_key') out.push('/object');
  if (typeof body.redacted_value !== 'string') out.push('/redacted_value');
  if (typeof body.name !== 'string') out.push('/name');
  if (!Number.isInteger(body.created_at)) out.push('/created_at');
  if (typeof body.id !== 'string') out.push('/id');
  undeclared('', body, KEY_PROPERTIES, out);
  const owner = body.owner;
  if (!isObject(owner)) out.push('/owner');
  else {
    if (owner.type !== undefined && owner.type !== 'user' && owner.type !== 'service_account')
      out.push('/owner/type');
    if (owner.user !== undefined) checkUser('/owner/user', owner.user, out);
    if (owner.service_account !== undefined)
      checkServiceAccount('/owner/service_account', owner.service_account, out);
    undeclared('/owner', owner, OWNER_PROPERTIES, out);
  }
  return out;
};

// Each contender returns whether the body is valid, so the benchmark loop cannot drop the work.
const CONTENDERS: [string, (body: unknown) => boolean][] = [
  // What a client asks (valid or not), then what a report asks (every finding, read).
  ['project validator', (body) => project.validate(COMPONENT, body).valid],
  [
    'project validator, findings read',
    (body) => project.validate(COMPONENT, body).findings.every((f) => f.severity !== 'error'),
  ],
  ['plain ajv', (body) => plain(body)],
  ['plain ajv, allErrors', (body) => plainAllErrors(body)],
  ['hand-written check', (body) => handWritten(body).length === 0],
  ['openapi-response-validator', (body) => responseValidator.validateResponse(200, body) === undefined],
];

// The harness is checked before it measures: every contender must agree on both bodies.
for (const [name, check] of CONTENDERS) {
  if (check(valid) !== true || check(invalid) !== false) {
    process.stderr.write(`bench:validate: ${name} disagrees on the valid or the invalid body\n`);
    process.exit(3);
  }
}

/** This process's CPU time in ms: on a shared machine, time spent waiting for a core is not counted. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Operations per CPU second of one round of about `roundMs`. */
const round = (check: (body: unknown) => boolean, body: unknown): number => {
  let ops = 0;
  let passed = 0;
  const started = cpuMs();
  let elapsed = 0;
  while (elapsed < roundMs) {
    for (let i = 0; i < 1000; i++) if (check(body)) passed++;
    ops += 1000;
    elapsed = cpuMs() - started;
  }
  if (passed === -1) process.stdout.write(''); // keeps the results alive
  return (ops / elapsed) * 1000;
};

/**
 * The median of `rounds` rounds per contender and body. Rounds take turns across contenders, so a
 * busy moment on a shared machine slows them all alike; the first round only warms the JIT.
 */
const samples = CONTENDERS.map(() => ({ valid: [] as number[], invalid: [] as number[] }));
for (let r = 0; r <= rounds; r++) {
  for (const [index, [, check]] of CONTENDERS.entries()) {
    const validOps = round(check, valid);
    const invalidOps = round(check, invalid);
    if (r > 0) {
      samples[index]?.valid.push(validOps);
      samples[index]?.invalid.push(invalidOps);
    }
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const measured = CONTENDERS.map(([name], index) => ({
  name,
  valid: median(samples[index]?.valid ?? []),
  invalid: median(samples[index]?.invalid ?? []),
}));
const rate = (value: number) =>
  value >= 1e6 ? `${(value / 1e6).toFixed(2)} M/s` : `${(value / 1e3).toFixed(0)} k/s`;
const width = Math.max(...measured.map((m) => m.name.length));
const byName = (name: string) => measured.find((m) => m.name === name) ?? { valid: 0, invalid: 0 };
const ours = byName('project validator');
const ratio = (value: number, target: number) =>
  `${value.toFixed(2)}× (target ≥ ${target}×: ${value >= target ? 'met' : 'NOT met'})`;
process.stdout.write(
  [
    `${COMPONENT}: operations per CPU second, median of ${rounds} rounds of ${roundMs} ms CPU (node ${process.version})`,
    `${'validator'.padEnd(width)}  ${'valid body'.padStart(11)}  ${'invalid body'.padStart(12)}`,
    ...measured.map(
      (m) => `${m.name.padEnd(width)}  ${rate(m.valid).padStart(11)}  ${rate(m.invalid).padStart(12)}`,
    ),
    '',
    `valid body:   project / plain ajv           ${ratio(ours.valid / byName('plain ajv').valid, 0.9)}`,
    `invalid body: project / plain ajv allErrors ${ratio(ours.invalid / byName('plain ajv, allErrors').invalid, 0.5)}`,
    '',
  ].join('\n'),
);
