import { oneLine, plural } from '../core/text.ts';
import type { LoadedDocument } from '../openapi/document.ts';
import type { Change } from './change.ts';
import type { DriftResult } from './compare.ts';
import { operationLabel } from './same-operation.ts';

// `npm run drift`'s output: the JSON a tool reads, and the table a person reads, grouped by who breaks.

/** A document compared, as the output names it. */
export interface DriftDocument {
  /** As given on the command line. */
  path: string;
  openapi: string;
  version: string;
  sha256: string;
  /** The operation as this document spells it: `GET /organization/projects/{project_id}/api_keys/{key_id}`. */
  operation: string;
}

/** `--json`: `{ from, to, changes }`. */
export interface DriftReport {
  from: DriftDocument;
  to: DriftDocument;
  changes: Change[];
}

export const driftReport = (
  documents: { from: LoadedDocument & { shown: string }; to: LoadedDocument & { shown: string } },
  result: DriftResult,
): DriftReport => {
  const describe = (loaded: LoadedDocument & { shown: string }, operation: DriftResult['from']) => ({
    path: loaded.shown,
    openapi: loaded.document.openapi,
    version: loaded.document.info.version,
    sha256: loaded.sha256,
    operation: operationLabel(operation),
  });
  return {
    from: describe(documents.from, result.from),
    to: describe(documents.to, result.to),
    changes: result.changes,
  };
};

/** The groups of the table, worst first; a change is in exactly one. */
export const DRIFT_GROUPS: { title: string; holds: (change: Change) => boolean }[] = [
  { title: 'Breaks consumers and providers', holds: (c) => c.breaksConsumers && c.breaksProviders },
  { title: 'Breaks consumers', holds: (c) => c.breaksConsumers && !c.breaksProviders },
  { title: 'Breaks providers', holds: (c) => !c.breaksConsumers && c.breaksProviders },
  { title: 'Breaks no one', holds: (c) => !c.breaksConsumers && !c.breaksProviders },
];

const documentLine = (document: DriftDocument) =>
  `${oneLine(document.path)} (OpenAPI ${oneLine(document.openapi)}, version ${oneLine(document.version)})`;

/** The table: what was compared, then each group's changes as kind, pointer and message, then the tally. */
export const renderDrift = (report: DriftReport): string => {
  const { changes } = report;
  const shownPointer = (pointer: string) => (pointer === '' ? '(root)' : oneLine(pointer));
  const kindWidth = Math.max(4, ...changes.map((c) => c.kind.length));
  const pointerWidth = Math.max(7, ...changes.map((c) => shownPointer(c.pointer).length));
  const row = (kind: string, pointer: string, message: string) =>
    `  ${kind.padEnd(kindWidth)}  ${pointer.padEnd(pointerWidth)}  ${message}`.trimEnd();
  const lines = [
    `drift of ${oneLine(report.from.operation)}`,
    `  from ${documentLine(report.from)}`,
    `  to   ${documentLine(report.to)}${
      report.to.operation === report.from.operation ? '' : `, as ${oneLine(report.to.operation)}`
    }`,
    '',
  ];
  for (const group of DRIFT_GROUPS) {
    const members = changes.filter(group.holds);
    if (members.length === 0) continue;
    lines.push(
      `${group.title} (${members.length})`,
      row('kind', 'pointer', 'change'),
      ...members.map((c) => row(c.kind, shownPointer(c.pointer), oneLine(c.message))),
      '',
    );
  }
  const [consumers, providers] = [
    changes.filter((c) => c.breaksConsumers).length,
    changes.filter((c) => c.breaksProviders).length,
  ];
  lines.push(
    changes.length === 0
      ? 'No change to the operation.'
      : `${plural(changes.length, 'change')}: ${consumers} break consumers, ${providers} break providers.`,
  );
  return `${lines.join('\n')}\n`;
};
