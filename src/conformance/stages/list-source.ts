import { CURRENT_SPEC_PATH } from '../../openapi/default-path.ts';
import { loadDocument } from '../../openapi/document.ts';
import { type ListOperation, listOperationOf } from '../../openapi/list-operation.ts';
import type { SchemaValidators } from '../../openapi/validators.ts';
import { validatorsFor } from '../../openapi/validators.ts';
import type { ProjectKeys } from '../../report/conformance-result.ts';
import type { LoadedOpenApi } from './compile.ts';
import { displayPath } from './result.ts';

// Where discovery and --sweep read the list from: the --spec document's list operation, or, when it has
// none (the seed), today's shipped document's, whose validators the build generated like the seed's. The
// reports say which, and that each entry is still held to the --spec document's ProjectApiKey.

export interface ListSource {
  operation: ListOperation;
  /** The list's validators: those of the document the operation is from. */
  validators: SchemaValidators;
  /** What the reports say about it. */
  record: ProjectKeys['list'];
}

/** `GET /organization/projects/{project_id}/api_keys` */
const operationText = (operation: ListOperation): string => `${operation.method} ${operation.path.template}`;

/** The list operation the run reads with, and what the reports say of where it is from. */
export function listSourceOf(loaded: Pick<LoadedOpenApi, 'spec' | 'validators'>, cwd?: string): ListSource {
  const own = listOperationOf(loaded.spec.document);
  if (own) {
    return {
      operation: own,
      validators: loaded.validators,
      record: { operation: operationText(own), document: displayPath(loaded.spec.path, cwd) },
    };
  }
  const current = loadDocument(CURRENT_SPEC_PATH);
  const operation = listOperationOf(current.document);
  if (!operation) throw new Error(`${CURRENT_SPEC_PATH} has no list operation`);
  const shown = displayPath(current.path, cwd);
  return {
    operation,
    validators: validatorsFor(current.document, current.sha256),
    record: {
      operation: operationText(operation),
      document: shown,
      note: `the --spec document ${displayPath(loaded.spec.path, cwd)} has no list operation: the list is read as ${shown} describes it, each page held to its ${operation.component} and each entry to the --spec document's ProjectApiKey`,
    },
  };
}
