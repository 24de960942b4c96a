import type { Finding } from '../core/finding.ts';
import { toPointer } from '../core/pointer.ts';
import { componentOfRef, type OpenApiDocument } from './document.ts';
import type { SchemaValidators } from './validators.ts';

/** What validating one example embedded in the document found. */
export interface ExampleLint {
  /** JSON Pointer to the example inside the document. */
  location: string;
  component: string;
  valid: boolean;
  /** Pointers into the example. */
  findings: Finding[];
}

interface EmbeddedExample {
  location: string;
  component: string;
  text: unknown;
}

const embeddedExamples = (document: OpenApiDocument): EmbeddedExample[] => {
  const found: EmbeddedExample[] = [];
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const meta = schema['x-oaiMeta'] as { example?: unknown } | undefined;
    if (meta?.example !== undefined) {
      found.push({
        location: toPointer(['components', 'schemas', name, 'x-oaiMeta', 'example']),
        component: name,
        text: meta.example,
      });
    }
  }
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const meta = operation['x-oaiMeta'] as { examples?: { response?: unknown } } | undefined;
      const component = componentOfRef(
        operation.responses?.['200']?.content?.['application/json']?.schema?.$ref,
      );
      if (meta?.examples?.response !== undefined && component) {
        found.push({
          location: toPointer(['paths', template, method, 'x-oaiMeta', 'examples', 'response']),
          component,
          text: meta.examples.response,
        });
      }
    }
  }
  return found;
};

/** Validates every `x-oaiMeta` example against its own schema; the document is reported on, not patched. */
export const lintExamples = (document: OpenApiDocument, validators: SchemaValidators): ExampleLint[] =>
  embeddedExamples(document).map(({ location, component, text }) => {
    let data: unknown = text;
    if (typeof text === 'string') {
      try {
        data = JSON.parse(text);
      } catch (error) {
        const finding: Finding = {
          pointer: '',
          keyword: 'json',
          message: `example is not JSON: ${(error as Error).message}`,
          severity: 'error',
        };
        return { location, component, valid: false, findings: [finding] };
      }
    }
    const { valid, findings } = validators.validate(component, data);
    return { location, component, valid, findings };
  });
