import type { LoadedPact } from '../../contract/pact.ts';
import { checkPactAgainstSpec } from '../../contract/pact-spec.ts';
import type { CheckResult } from '../../core/check.ts';
import { statusOf } from '../../core/check.ts';
import type { Finding } from '../../core/finding.ts';
import { lintExamples } from '../../openapi/lint.ts';
import type { LoadedOpenApi } from './compile.ts';

// Stage 2, contract checks: what can be said from the pacts and the document alone, before any traffic.
// Pure: loaded inputs in, checks out.

export type CheckDraft = Omit<CheckResult, 'durationMs'>;

/**
 * What these checks warn of is a fact about the document or the pact, not about the target: a note, kept
 * apart from the target's warnings. Errors stay errors: a pact the document does not allow fails the run.
 */
function asNotes(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => (f.severity === 'warning' ? { ...f, severity: 'note' } : f));
}

/** Each pact's interactions are documented by the document: one check per pact. */
export const checkPactsAgainstSpec = (openapi: LoadedOpenApi, pacts: readonly LoadedPact[]): CheckDraft[] =>
  pacts.map((pact) => {
    const findings = asNotes(checkPactAgainstSpec(pact.document, openapi.spec.document, openapi.validators));
    return {
      name: 'pact interactions are documented by the spec',
      category: 'contract',
      status: statusOf(findings),
      findings,
      pact: pact.id,
    };
  });

/** The document's own examples are its defects, not the target's: reported as notes, never failing. */
export const lintSpecExamples = (openapi: LoadedOpenApi): CheckDraft => {
  const findings: Finding[] = lintExamples(openapi.spec.document, openapi.validators).flatMap((lint) =>
    lint.findings.map((f) => ({
      ...f,
      severity: 'note' as const,
      pointer: `${lint.location}${f.pointer}`,
      message: `example ${lint.component}: ${f.message}`,
    })),
  );
  return {
    name: "the spec's own examples validate against their schemas",
    category: 'contract',
    status: statusOf(findings),
    findings,
  };
};
