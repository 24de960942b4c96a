import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { escapeRegExp } from '../../src/core/regexp.ts';
import { readText, repoPath } from '../helpers.ts';

// Documents a user might pass with --spec, --also-spec, drift's --from/--to, validate and spec-lint that
// once hung a run, blew its heap, or ended it with exit 3: each the seed with one hostile edit, and what
// loading it must say instead (exit 2, one line). Shared by test/openapi/ and test/cli/.

const SEED_TEXT = readText(repoPath('schemas/openapi.yaml'));
// biome-ignore lint/suspicious/noExplicitAny: an edit reaches anywhere in its own copy
type Json = Record<string, any>;

/** The seed, parsed, with `edit` applied, as JSON text. */
const seedWith = (edit: (document: Json, schemas: Json) => void): string => {
  const document = load(SEED_TEXT) as Json;
  edit(document, document.components.schemas);
  return JSON.stringify(document, null, 1);
};

/** The seed's text with `marker` replaced (it must be there). */
const seedTextWith = (marker: string, replacement: string): string => {
  if (!SEED_TEXT.includes(marker)) throw new Error(`the seed has no ${JSON.stringify(marker)}`);
  return SEED_TEXT.replace(marker, replacement);
};

const NAME = '        name:\n          type: string\n          description: The name of the API key\n';
const OPERATION = '/organization/projects/{project_id}/api_keys/{key_id}';

/** Nine anchors, each nine of the one before: 1.6 KB of YAML that stands for 9^8 strings. */
const BOMB = [
  '          x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefgh'.split('').map((name, i) => {
    const before = 'abcdefg'[i];
    return `          x-${name}: &${name} [${Array(9).fill(`*${before}`).join(',')}]`;
  }),
  '          enum: *h',
].join('\n');

export interface HostileDocument {
  name: string;
  /** `yaml` or `json`: what the file is called. */
  extension: string;
  text: string;
  /** What the one line says, after `cannot use OpenAPI document PATH: `. */
  message: RegExp;
  /** Refused when the document is loaded; `compile`: when its validators are compiled (drift takes it). */
  refusedAt: 'load' | 'compile';
}

export const HOSTILE_DOCUMENTS: readonly HostileDocument[] = [
  {
    name: 'a 1.6 KB YAML alias bomb in an enum',
    extension: 'yaml',
    text: seedTextWith(NAME, `${NAME}${BOMB}\n`),
    message: /it expands to more than 100000 values \(YAML aliases that multiply, an alias bomb\?\)/,
    refusedAt: 'load',
  },
  {
    name: 'a cyclic YAML anchor',
    extension: 'yaml',
    text: seedTextWith(
      '    ProjectUser:\n',
      '    ProjectUser: &user\n      allOf:\n        - *user\n    Old:\n',
    ),
    message: /a YAML anchor holds itself \(a cycle\) at \/components\/schemas\/ProjectUser\/allOf\/0$/,
    refusedAt: 'load',
  },
  {
    name: 'YAML aliases nested 150 deep in a flat text',
    extension: 'yaml',
    text: seedTextWith(
      NAME,
      `${NAME}${Array.from({ length: 150 }, (_, i) => `          x-n${i}: &n${i} [${i === 0 ? '1' : `*n${i - 1}`}]`).join('\n')}\n`,
    ),
    message: /it nests deeper than 100 levels at \/components\/schemas\/ProjectApiKey\/properties\/name\/x-n/,
    refusedAt: 'load',
  },
  {
    name: 'a chain of 10,000 $refs',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.owner.properties.user = { $ref: '#/components/schemas/Chain0' };
      for (let i = 0; i < 10_000; i++) {
        schemas[`Chain${i}`] =
          i === 9_999 ? { type: 'object' } : { $ref: `#/components/schemas/Chain${i + 1}` };
      }
    }),
    message:
      /its refs nest deeper than 200 levels from "#\/components\/schemas\/Chain\d+" \(a chain of refs\?\)$/,
    refusedAt: 'load',
  },
  {
    name: 'a $ref to itself',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectUser = { $ref: '#/components/schemas/ProjectUser' };
    }),
    message:
      /\$ref cycle with nothing between: #\/components\/schemas\/ProjectUser → #\/components\/schemas\/ProjectUser$/,
    refusedAt: 'load',
  },
  {
    name: 'a $ref cycle through another component',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectUser = { $ref: '#/components/schemas/Loop' };
      schemas.Loop = { $ref: '#/components/schemas/ProjectUser' };
    }),
    message:
      /\$ref cycle with nothing between: #\/components\/schemas\/(ProjectUser|Loop) → #\/components\/schemas\/(Loop|ProjectUser) → #\/components\/schemas\/(ProjectUser|Loop)$/,
    refusedAt: 'load',
  },
  {
    name: 'a $ref cycle through allOf',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectUser = { allOf: [{ $ref: '#/components/schemas/ProjectUser' }] };
    }),
    message:
      /\$ref cycle with nothing between: #\/components\/schemas\/ProjectUser → #\/components\/schemas\/ProjectUser$/,
    refusedAt: 'load',
  },
  ...(
    [
      [
        'dependentSchemas (3.1)',
        '3.1.0',
        (self: Json) => ({ type: 'object', dependentSchemas: { name: self } }),
      ],
      ['dependencies (3.0)', '3.0.0', (self: Json) => ({ type: 'object', dependencies: { name: self } })],
      ['dependencies (3.1)', '3.1.0', (self: Json) => ({ type: 'object', dependencies: { name: self } })],
      ['$dynamicRef (3.1)', '3.1.0', () => ({ $dynamicRef: '#/components/schemas/ProjectUser' })],
      [
        '$dynamicRef in anyOf (3.1)',
        '3.1.0',
        () => ({ type: 'object', anyOf: [{ $dynamicRef: '#/components/schemas/ProjectUser' }] }),
      ],
      ['else (3.1)', '3.1.0', (self: Json) => ({ if: { type: 'string' }, else: self })],
    ] as const
  ).map(
    ([through, version, cyclic]): HostileDocument => ({
      name: `a $ref cycle through ${through}`,
      extension: 'json',
      text: seedWith((document, schemas) => {
        document.openapi = version;
        schemas.ProjectUser = cyclic({ $ref: '#/components/schemas/ProjectUser' });
      }),
      message:
        /\$ref cycle with nothing between: #\/components\/schemas\/ProjectUser → #\/components\/schemas\/ProjectUser$/,
      refusedAt: 'load',
    }),
  ),
  {
    name: 'refs that fan out under allOf: 30 levels, each naming the next twice (2^30 schemas for one value)',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectUser.properties.name = { $ref: '#/components/schemas/Fan0' };
      for (let i = 0; i < 30; i++) {
        const next = { $ref: `#/components/schemas/Fan${i + 1}` };
        schemas[`Fan${i}`] = { allOf: [next, { ...next }] };
      }
      schemas.Fan30 = { type: 'string' };
    }),
    message:
      /validating one value against "#\/components\/schemas\/Fan\d+" at \/components\/schemas\/\S+\/\$ref applies more than 10000 schemas \(allOf, anyOf, oneOf\.\.\. naming the same refs over and over\?\)$/,
    refusedAt: 'load',
  },
  {
    name: 'an external $ref to another file',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.owner.properties.user = { $ref: 'other.yaml#/User' };
    }),
    message:
      /external \$ref "other\.yaml#\/User" at \/components\/schemas\/ProjectApiKey\/properties\/owner\/properties\/user\/\$ref: only refs within the document \(#\/\.\.\.\) are followed; nothing was read or fetched$/,
    refusedAt: 'load',
  },
  {
    name: 'a response $ref to /etc/passwd',
    extension: 'json',
    text: seedWith((document) => {
      document.paths[OPERATION].get.responses['200'] = { $ref: '/etc/passwd' };
    }),
    message:
      /external \$ref "\/etc\/passwd" at \/paths\/~1organization~1projects~1\{project_id\}~1api_keys~1\{key_id\}\/get\/responses\/200\/\$ref: .*nothing was read or fetched$/,
    refusedAt: 'load',
  },
  ...(
    [
      ['a $ref to a plain-name anchor the document has (#user)', '#user', true],
      ['a $ref to a plain-name anchor the document lacks', '#user', false],
      ['a $ref whose pointer is percent-encoded', '#%2Fcomponents%2Fschemas%2FProjectUser', false],
    ] as const
  ).map(
    ([name, ref, anchored]): HostileDocument => ({
      name,
      extension: 'json',
      text: seedWith((document, schemas) => {
        document.openapi = '3.1.0';
        if (anchored) schemas.ProjectUser.$anchor = 'user';
        schemas.ProjectApiKey.properties.owner.properties.user = { $ref: ref };
      }),
      message: new RegExp(
        `\\$ref ${escapeRegExp(JSON.stringify(ref))} at /components/schemas/ProjectApiKey/properties/owner/properties/user/\\$ref is not a JSON pointer into the document \\(#/\\.\\.\\.\\): nothing was followed$`,
      ),
      refusedAt: 'load',
    }),
  ),
  {
    name: 'a $ref to the whole document (#) in a component',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectUser = { type: 'object', allOf: [{ $ref: '#' }] };
    }),
    message:
      /\$ref "#" at \/components\/schemas\/ProjectUser\/allOf\/0\/\$ref is not a JSON pointer into the document \(#\/\.\.\.\): nothing was followed$/,
    refusedAt: 'load',
  },
  {
    name: 'a $ref in a component to a pointer ajv reads within the component (#/allOf/0)',
    extension: 'json',
    text: seedWith((document, schemas) => {
      // The document has /allOf/0 too: as the document reads it, the ref leads there, not back to itself.
      document.allOf = [{ type: 'object' }];
      schemas.ProjectUser = { type: 'object', allOf: [{ $ref: '#/allOf/0' }] };
    }),
    message:
      /\$ref "#\/allOf\/0" at \/components\/schemas\/ProjectUser\/allOf\/0\/\$ref: a component schema's refs point into #\/components\/schemas\/ \(any other pointer is read from within the component, not the document\)$/,
    refusedAt: 'load',
  },
  {
    name: 'a $dynamicRef to a URL (3.1)',
    extension: 'json',
    text: seedWith((document, schemas) => {
      document.openapi = '3.1.0';
      schemas.ProjectApiKey.properties.owner.properties.user = {
        $dynamicRef: 'https://example.com/user#meta',
      };
    }),
    message:
      /external \$dynamicRef "https:\/\/example\.com\/user#meta" at \/components\/schemas\/ProjectApiKey\/properties\/owner\/properties\/user\/\$dynamicRef: .*nothing was read or fetched$/,
    refusedAt: 'load',
  },
  {
    name: 'a local $ref to nothing',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.owner.properties.user = { $ref: '#/components/schemas/Nobody' };
    }),
    message: /Can't resolve \$ref "#\/components\/schemas\/Nobody" at .*: the document has nothing there$/,
    refusedAt: 'load',
  },
  {
    name: 'a pattern only a backtracking engine runs (lookahead)',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.id.pattern = '^(?=key_)\\w+$';
    }),
    message:
      /its schemas do not compile: pattern "\^\(\?=key_\)\\\\w\+\$" cannot be run in linear time \(invalid or unsupported Perl syntax: `\(\?=`\)$/,
    refusedAt: 'compile',
  },
  {
    name: 'a pattern of nested counted repetitions',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.name.pattern = '(?:a{1000}){1000}';
    }),
    message:
      /the pattern at \/components\/schemas\/ProjectApiKey\/properties\/name\/pattern is too large to compile: more than 10000 RE2 instructions .*; nothing was compiled$/,
    refusedAt: 'load',
  },
  {
    name: 'a patternProperties key of nested counted repetitions',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.owner.patternProperties = { '((a{100}){100}){100}': {} };
    }),
    message:
      /the pattern at \/components\/schemas\/ProjectApiKey\/properties\/owner\/patternProperties\/\(\(a\{100\}\)\{100\}\)\{100\} is too large to compile/,
    refusedAt: 'load',
  },
  {
    name: 'a 14 KB pattern of counted repetitions in a row (1.3 million instructions)',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectUser.properties.email.pattern = '(?:x{1000})'.repeat(1300);
    }),
    message: /the pattern at \/components\/schemas\/ProjectUser\/properties\/email\/pattern is too large/,
    refusedAt: 'load',
  },
  {
    name: '6,000 small patterns, too many to compile together',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.name.allOf = Array.from({ length: 6000 }, (_, i) => ({
        pattern: `^n${i}`,
      }));
    }),
    message:
      /its patterns are too large to compile together: more than 250000 RE2 instructions by the pattern at \/components\/schemas\/ProjectApiKey\/properties\/name\/allOf\/\d+\/pattern; nothing was compiled$/,
    refusedAt: 'load',
  },
  {
    name: 'a patternProperties key with a line break and a workflow command, too large',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.owner.patternProperties = { 'x\n::error::(?:a{1000}){1000}': {} };
    }),
    message:
      /the pattern at \/components\/schemas\/ProjectApiKey\/properties\/owner\/patternProperties\/x \\u003a:error::\(\?:a\{1000\}\)\{1000\} is too large to compile/,
    refusedAt: 'load',
  },
  {
    name: 'a property named with a line break, its $ref to nothing',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectUser.properties['a\r\nb'] = { $ref: '#/components/schemas/Nobody' };
    }),
    message:
      /Can't resolve \$ref "#\/components\/schemas\/Nobody" at \/components\/schemas\/ProjectUser\/properties\/a b\/\$ref: the document has nothing there$/,
    refusedAt: 'load',
  },
  {
    name: 'a schema the JSON Schema meta-schema rejects',
    extension: 'json',
    text: seedWith((_, schemas) => {
      schemas.ProjectApiKey.properties.name.enum = ['a', 'a'];
    }),
    message: /its schemas do not compile: schema is invalid: .*enum must NOT have duplicate items/,
    refusedAt: 'compile',
  },
];

/** A pattern that backtracks exponentially: 2^n steps on n characters with no `!`. */
export const CATASTROPHIC_PATTERN = '^(.|.)*!$';

/** The seed with CATASTROPHIC_PATTERN on `redacted_value`, which every key body and pact example has, long. */
export const CATASTROPHIC_DOCUMENT = seedWith((_, schemas) => {
  schemas.ProjectApiKey.properties.redacted_value.pattern = CATASTROPHIC_PATTERN;
});

/** Each hostile document written into `dir`, by its name. */
export const writeHostileDocuments = (dir: string): Map<string, string> => {
  mkdirSync(dir, { recursive: true });
  return new Map(
    HOSTILE_DOCUMENTS.map(({ name, extension, text }, index) => {
      const path = join(dir, `hostile-${index}.${extension}`);
      writeFileSync(path, text);
      return [name, path];
    }),
  );
};

/**
 * A pattern RE2 matches in linear time, but slowly: about 60 µs a character of a text with a `_` in it (its
 * program is 1,000 instructions, and its lazy DFA gives way to the NFA). The `huge-id` fault's 5 MB id
 * (`key_xxx…`) is 5 minutes.
 */
export const SLOW_PATTERN = '(?:\\p{L}{100}){10}_';

/** Documents whose patterns each compile, small, but would take minutes to match against their texts. */
export const HEAVY_PATTERN_DOCUMENTS = {
  /** SLOW_PATTERN on `id`: the `huge-id` fault's 5 MB id is 5 minutes of matching. */
  slowOnId: seedWith((_, schemas) => {
    schemas.ProjectApiKey.properties.id.pattern = SLOW_PATTERN;
  }),
  /** SLOW_PATTERN on a user's `email`, whose example is `_` and 300,000 letters: 20 s of matching. */
  slowExample: seedWith((_, schemas) => {
    const user = schemas.ProjectUser;
    user.properties.email.pattern = SLOW_PATTERN;
    user['x-oaiMeta'].example = JSON.stringify({
      ...JSON.parse(user['x-oaiMeta'].example),
      email: `_${'a'.repeat(300_000)}`,
    });
  }),
  /** 300 quick patterns on `name`, whose example is a million letters: each 60 ms, 18 s in all. */
  manyPatterns: seedWith((_, schemas) => {
    const key = schemas.ProjectApiKey;
    key.properties.name.allOf = Array.from({ length: 300 }, (_, i) => ({ pattern: `^(?:[a-z]|${i})+$` }));
    key['x-oaiMeta'].example = JSON.stringify({
      ...JSON.parse(key['x-oaiMeta'].example),
      name: 'a'.repeat(1_000_000),
    });
  }),
};

/** What refusing a document for its patterns' work says, after `cannot use OpenAPI document PATH: `. */
export const PATTERN_WORK_MESSAGE =
  /its patterns need more than 200000000 steps \(characters × RE2 instructions\) to match: the pattern at \/components\/schemas\/\S+ was not run on a text of \d+ characters$/;
