import { RE2JS } from 're2js';
import type { Finding, Severity } from '../core/finding.ts';
import { ERROR_RESPONSE_STATUSES } from '../core/openai-error.ts';
import { toPointer } from '../core/pointer.ts';
import type { OpenApiDocument, SchemaObject } from '../openapi/document.ts';
import type { MatchingRule } from './matching-rules.ts';
import {
  type Alternative,
  allowsType,
  alternativesOf,
  describeTypes,
  type JsonType,
  jsonTypeOf,
  type Place,
  walk,
} from './schema-walk.ts';

// Matching rules ⊆ spec: each rule of a response can be met by a value the document allows. A regex no
// enum member matches, a type matcher whose example has another type, eachLike on what is not an array,
// a rule on a field a closed schema does not declare: each fails, at the rule's pointer in the pact.
// Regexes are run by RE2 (re2js): linear in the text whatever the pattern, as in Pact's own Rust core,
// so a hostile pact cannot hang the check; like that core, a regex matches if it finds a match.

/** What the document says about one interaction's response. */
export interface DocumentedResponse {
  /** The body's schema, for the body's rules; undefined when the document gives none. */
  schema: SchemaObject | undefined;
  /** The body as the pact's example has it, if it has one. */
  example: { value: unknown } | undefined;
  /** The media types the document gives for this response (`application/json`). */
  mediaTypes: string[];
  /** The response headers the document declares, by lower-case name: their schemas. */
  headers: Record<string, SchemaObject>;
  /** The pact's response headers, by lower-case name: their (first) values. */
  headerValues: Record<string, string>;
  /** The statuses the document gives for the operation (`200`, `4XX`, `default`). */
  statuses: string[];
}

interface Problem {
  severity: Severity;
  keyword: string;
  message: string;
}

const error = (keyword: string, message: string): Problem => ({ severity: 'error', keyword, message });
const warning = (keyword: string, message: string): Problem => ({ severity: 'warning', keyword, message });

/** A compiled pact regex, or why it cannot be read (RE2 has no lookaround or backreferences). */
function compiled(regex: unknown): RE2JS | string {
  if (typeof regex !== 'string') return 'it has no regex';
  try {
    return RE2JS.compile(regex);
  } catch (cause) {
    return `RE2 cannot read it (${(cause as Error).message.split('\n')[0]})`;
  }
}

const shown = (values: unknown[]) => values.map((value) => JSON.stringify(value)).join(', ');
const where = (pointer: string) => (pointer === '' ? 'the body' : pointer);

function needsType(place: Place, type: JsonType, what: string): Problem | undefined {
  if (place.alternatives.some((a) => allowsType(a, type))) return undefined;
  return error(
    what,
    `${what} on ${where(place.pointer)}, which the document types as ${describeTypes(place.alternatives)}`,
  );
}

/** The values the document allows at a place, when every alternative lists them. */
function listedValues(alternatives: Alternative[]): unknown[] | undefined {
  if (!alternatives.every((a) => a.values)) return undefined;
  return alternatives.flatMap((a) => a.values ?? []);
}

function regexProblem(matcher: Record<string, unknown>, place: Place): Problem | undefined {
  const regex = compiled(matcher.regex);
  if (typeof regex === 'string')
    return warning('regex', `the regex ${JSON.stringify(matcher.regex)} is not checked: ${regex}`);
  const scalars = place.alternatives.filter((a) =>
    (['string', 'integer', 'number', 'boolean'] as const).some((t) => allowsType(a, t)),
  );
  if (scalars.length === 0) {
    return error(
      'regex',
      `a regex on ${where(place.pointer)}, which the document types as ${describeTypes(place.alternatives)}`,
    );
  }
  const values = listedValues(scalars);
  if (values && !values.some((value) => value !== null && regex.test(String(value)))) {
    return error(
      'regex',
      `the regex ${JSON.stringify(matcher.regex)} matches none of the values the document allows at ${where(place.pointer)}: ${shown(values)}`,
    );
  }
  return undefined;
}

function includeProblem(matcher: Record<string, unknown>, place: Place): Problem | undefined {
  const typed = needsType(place, 'string', 'include');
  if (typed) return typed;
  const values = listedValues(place.alternatives);
  const part = String(matcher.value);
  if (values && !values.some((value) => typeof value === 'string' && value.includes(part))) {
    return error(
      'include',
      `no value the document allows at ${where(place.pointer)} includes ${JSON.stringify(part)}: ${shown(values)}`,
    );
  }
  return undefined;
}

function typeProblem(matcher: Record<string, unknown>, place: Place): Problem | undefined {
  if (matcher.min !== undefined || matcher.max !== undefined) {
    const bound = [
      matcher.min !== undefined && `min ${matcher.min}`,
      matcher.max !== undefined && `max ${matcher.max}`,
    ]
      .filter(Boolean)
      .join(', ');
    if (place.alternatives.some((a) => allowsType(a, 'array'))) return undefined;
    return error(
      'eachLike',
      `eachLike (${bound}) on ${where(place.pointer)}, which the document types as ${describeTypes(place.alternatives)}, not array`,
    );
  }
  if (!place.example) return undefined;
  const type = jsonTypeOf(place.example.value);
  if (place.alternatives.some((a) => allowsType(a, type))) return undefined;
  return error(
    'type',
    `a type matcher on ${where(place.pointer)}, whose example is ${type === 'integer' ? 'a number' : `a ${type}`}; the document types it as ${describeTypes(place.alternatives)}`,
  );
}

const NEEDS: Record<string, JsonType> = {
  integer: 'integer',
  number: 'integer',
  boolean: 'boolean',
  null: 'null',
  date: 'string',
  time: 'string',
  timestamp: 'string',
  datetime: 'string',
  semver: 'string',
  values: 'object',
  eachKey: 'object',
  eachValue: 'object',
  arrayContains: 'array',
};

/** Why `matcher` can never be met at `place`, or undefined when a value the document allows meets it. */
function matcherProblem(matcher: Record<string, unknown>, place: Place): Problem | undefined {
  const match = typeof matcher.match === 'string' ? matcher.match : 'type';
  if (match === 'type') return typeProblem(matcher, place);
  if (match === 'regex') return regexProblem(matcher, place);
  if (match === 'include') return includeProblem(matcher, place);
  if (match === 'decimal') {
    const fractions = place.alternatives.some((a) => a.types === undefined || a.types.has('number'));
    return fractions
      ? undefined
      : error(
          'decimal',
          `a decimal matcher on ${where(place.pointer)}, which the document types as ${describeTypes(place.alternatives)}`,
        );
  }
  const needed = NEEDS[match];
  if (needed) return needsType(place, needed, match);
  // Equality is the example's own value, which the body check holds to the schema; these say nothing
  // a document could contradict.
  if (['equality', 'notEmpty', 'contentType'].includes(match)) return undefined;
  return warning('matcher', `the matcher "${match}" is not one this check knows; not checked`);
}

/** The findings of one rule against the places its path leads to. */
function ruleFindings(rule: MatchingRule, places: Place[], name: string): Finding[] {
  const problems = rule.matchers.map((matcher) => {
    for (const place of places) {
      const problem = matcherProblem(matcher, place);
      if (problem) return problem;
    }
    return undefined;
  });
  const failing = problems.filter((p): p is Problem => p?.severity === 'error');
  const findings: Finding[] = [];
  const describe = (problem: Problem) =>
    `${name}: the rule ${JSON.stringify(rule.expression)}: ${problem.message}`;
  if (rule.combine === 'OR' && failing.length > 0 && failing.length === problems.length) {
    findings.push({
      pointer: toPointer(rule.at),
      severity: 'error',
      keyword: failing[0]?.keyword ?? 'matchingRules',
      message: `${name}: the rule ${JSON.stringify(rule.expression)}: none of its matchers can be met: ${failing.map((p) => p.message).join('; ')}`,
    });
  }
  problems.forEach((problem, i) => {
    if (!problem || (rule.combine === 'OR' && problem.severity === 'error')) return;
    findings.push({
      pointer: toPointer(rule.matcherAt[i] ?? rule.at),
      severity: problem.severity,
      keyword: problem.keyword,
      message: describe(problem),
    });
  });
  return findings;
}

function bodyRule(
  rule: MatchingRule,
  response: DocumentedResponse,
  document: OpenApiDocument,
  name: string,
): Finding[] {
  if (!response.schema) return [];
  const at = toPointer(rule.at);
  if (!rule.tokens) {
    return [
      {
        pointer: at,
        severity: 'warning',
        keyword: 'matchingRules',
        message: `${name}: the rule path ${JSON.stringify(rule.expression)} is not one this check reads; not checked`,
      },
    ];
  }
  const root: Place = {
    pointer: '',
    alternatives: alternativesOf(response.schema, document),
    example: response.example,
  };
  const reached = walk(root, rule.tokens, document);
  if (Array.isArray(reached)) return ruleFindings(rule, reached, name);
  const said = `${name}: the rule ${JSON.stringify(rule.expression)}`;
  if (reached.kind === 'undeclared') {
    if (reached.closed) {
      return [
        {
          pointer: at,
          severity: 'error',
          keyword: 'additionalProperties',
          message: `${said} is on ${reached.pointer}, a field the document does not declare on an object it closes (additionalProperties: false)`,
        },
      ];
    }
    return [
      {
        pointer: at,
        severity: 'warning',
        keyword: 'additionalProperties',
        message: `${said} is on ${reached.pointer}, a field the document does not declare: a provider need not send it`,
      },
    ];
  }
  const expected = reached.kind === 'not-array' ? 'an array' : 'an object';
  return [
    {
      pointer: at,
      severity: 'error',
      keyword: 'type',
      message: `${said} reads ${where(reached.pointer)} as ${expected}; the document types it as ${describeTypes(reached.alternatives)}`,
    },
  ];
}

function headerRule(
  rule: MatchingRule,
  response: DocumentedResponse,
  document: OpenApiDocument,
  name: string,
): Finding[] {
  const first = rule.tokens?.[0];
  if (!first || !('name' in first)) return [];
  const header = first.name.toLowerCase();
  const example = Object.hasOwn(response.headerValues, header)
    ? { value: response.headerValues[header] }
    : undefined;
  if (header === 'content-type') {
    if (response.mediaTypes.length === 0) return [];
    const place: Place = {
      pointer: first.name,
      alternatives: [
        { types: new Set(['string']), values: response.mediaTypes, properties: {}, additional: true },
      ],
      example,
    };
    return ruleFindings(
      { ...rule, matchers: rule.matchers.filter((m) => m.match === 'regex') },
      [place],
      name,
    );
  }
  const schema = Object.hasOwn(response.headers, header) ? response.headers[header] : undefined;
  if (!schema) return [];
  return ruleFindings(
    rule,
    [{ pointer: first.name, alternatives: alternativesOf(schema, document), example }],
    name,
  );
}

const STATUS_CLASSES: Record<string, (status: number) => boolean> = {
  information: (s) => s >= 100 && s < 200,
  success: (s) => s >= 200 && s < 300,
  redirect: (s) => s >= 300 && s < 400,
  clientError: (s) => s >= 400 && s < 500,
  serverError: (s) => s >= 500 && s < 600,
  nonError: (s) => s < 400,
  error: (s) => s >= 400,
};

/** A documented response key (`200`, `4XX`, `default`) as the statuses it covers, for a test. */
function covers(key: string, test: (status: number) => boolean): boolean {
  if (key === 'default') return true;
  const range = /^([1-5])XX$/i.exec(key);
  if (range) return Array.from({ length: 100 }, (_, i) => Number(range[1]) * 100 + i).some(test);
  return test(Number(key));
}

function statusRule(rule: MatchingRule, response: DocumentedResponse, name: string): Finding[] {
  return rule.matchers.flatMap((matcher, i) => {
    if (matcher.match !== 'statusCode') return [];
    const allowed = matcher.status;
    const test = Array.isArray(allowed)
      ? (s: number) => allowed.includes(s)
      : STATUS_CLASSES[String(allowed)];
    if (!test || response.statuses.some((key) => covers(key, test))) return [];
    const severity: Severity = ERROR_RESPONSE_STATUSES.some(test) ? 'warning' : 'error';
    const known = severity === 'warning' ? '; the service answers it with an OpenAI error body' : '';
    return [
      {
        pointer: toPointer(rule.matcherAt[i] ?? rule.at),
        severity,
        keyword: 'status',
        message: `${name}: the status rule allows ${JSON.stringify(allowed)}, which the document does not document (documented: ${response.statuses.join(', ')})${known}`,
      },
    ];
  });
}

/** Each of a response's matching rules against what the document says of that response. */
export function checkResponseRules(
  rules: MatchingRule[],
  response: DocumentedResponse,
  document: OpenApiDocument,
  name: string,
): Finding[] {
  return rules.flatMap((rule) => {
    if (rule.part === 'body') return bodyRule(rule, response, document, name);
    if (rule.part === 'header') return headerRule(rule, response, document, name);
    if (rule.part === 'status') return statusRule(rule, response, name);
    return [];
  });
}
