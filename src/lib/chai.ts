/// <reference types="chai" preserve="true" />
import type { Finding } from '../core/finding.ts';
import { displayPointer } from '../core/text.ts';
import { type SchemaName, type ValidateOptions, validate } from './index.ts';

// `project-api-key-contract/chai`: the validators as chai assertions, for chai 5 and 6 (both hand a
// plugin `chai` itself, so this module loads no chai of its own). `chai.use(chaiPlugin)`, then
// `expect(body).to.satisfySchema('ProjectApiKey')` or `expect(body).to.be.aProjectApiKey()`. A failure
// lists each finding's pointer and message.

export type { SchemaName, ValidateOptions };

declare global {
  namespace Chai {
    interface Assertion {
      /** The body (a value, or JSON text) is valid against the schema `name` of the document. */
      satisfySchema(name: SchemaName, options?: ValidateOptions): Assertion;
      /** The body is a valid ProjectApiKey. */
      aProjectApiKey(options?: ValidateOptions): Assertion;
      /** The body is a valid ProjectUser. */
      aProjectUser(options?: ValidateOptions): Assertion;
      /** The body is a valid ProjectServiceAccount. */
      aProjectServiceAccount(options?: ValidateOptions): Assertion;
    }
  }
}

/** The seed's object schemas that get a named assertion each: `aProjectApiKey()`, ... */
export const NAMED_ASSERTIONS = ['ProjectApiKey', 'ProjectUser', 'ProjectServiceAccount'] as const;

/** Each finding on a line of its own: pointer, severity, message. */
function listed(findings: Finding[]): string {
  return findings
    .map(
      (f) => `\n  ${displayPointer(f.pointer)}: ${f.message}${f.severity === 'warning' ? ' (warning)' : ''}`,
    )
    .join('');
}

function assertSchema(
  assertion: Chai.AssertionStatic,
  name: SchemaName,
  options: ValidateOptions | undefined,
): void {
  const { valid, findings } = validate(name, assertion._obj, options);
  const errors = findings.filter((f) => f.severity === 'error').length;
  assertion.assert(
    valid,
    () =>
      `expected the body to satisfy ${name}, but it has ${errors} error${errors === 1 ? '' : 's'}:${listed(findings)}`,
    () =>
      `expected the body not to satisfy ${name}, but it does${findings.length > 0 ? `, with warnings:${listed(findings)}` : ''}`,
  );
}

/** The chai plugin: `chai.use(chaiPlugin)` adds `satisfySchema` and the named assertions. */
export function chaiPlugin(chai: Chai.ChaiStatic): void {
  chai.Assertion.addMethod(
    'satisfySchema',
    function (this: Chai.AssertionStatic, name: SchemaName, options?: ValidateOptions) {
      assertSchema(this, name, options);
    },
  );
  for (const name of NAMED_ASSERTIONS) {
    chai.Assertion.addMethod(`a${name}`, function (this: Chai.AssertionStatic, options?: ValidateOptions) {
      assertSchema(this, name, options);
    });
  }
}
