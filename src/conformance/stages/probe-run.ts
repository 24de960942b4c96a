import type { OpenApiDocument } from '../../openapi/document.ts';
import type { Probing } from '../../report/conformance-result.ts';
import { retryAfterCapMs, type TransportPolicy } from '../../transport/policy.ts';
import type { ExchangeRecorder } from '../../transport/recorder.ts';
import type { Transport } from '../../transport/transport.ts';
import type { RunConfig } from '../config.ts';
import { derivedSecrets, type ProbeContext, variantTokensOf } from '../probe-requests.ts';
import { probeSender } from '../probe-send.ts';
import { seededIndex } from '../probes.ts';
import type { RunTarget } from '../target.ts';
import type { LoadedOpenApi } from './compile.ts';
import type { CheckDraft } from './contract.ts';
import { probeStage } from './probe.ts';

// The probe stage as the run calls it: its context from the run's target and document, its requests sent
// with the run's transport, the tokens it derives from the admin key added to what no output may show.

export interface ProbeRunOptions {
  config: Pick<RunConfig, 'probes' | 'seed' | 'otherProjectId'>;
  target: Pick<RunTarget, 'baseUrl' | 'reference' | 'adminKey' | 'ids' | 'probes'>;
  transport: Pick<Transport, 'send' | 'redactor'>;
  recorder: Pick<ExchangeRecorder, 'exchangesOf'>;
  openapi: Pick<LoadedOpenApi, 'spec' | 'operation'>;
  policy: TransportPolicy;
  signal?: AbortSignal;
  log?(line: string): void;
  /** Tokens derived from the admin key, as they are sent: the writer redacts them everywhere. */
  onSecrets(secrets: string[]): void;
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Query parameters the document declares for the operation: probes send only others. */
export function documentedQueryOf(document: OpenApiDocument, template: string): string[] {
  const item = document.paths[template] ?? {};
  const parameters = [
    ...((item as { parameters?: unknown[] }).parameters ?? []),
    ...(item.get?.parameters ?? []),
  ];
  return parameters.flatMap((p) => {
    const parameter = p as { in?: unknown; name?: unknown };
    return parameter.in === 'query' && typeof parameter.name === 'string' ? [parameter.name] : [];
  });
}

/** What probes are made from; a run given no project probes under a random one, all of whose keys are unknown. */
export function probeContextOf(
  options: Pick<ProbeRunOptions, 'config' | 'target' | 'openapi'>,
): ProbeContext {
  const { config, target, openapi } = options;
  const random = seededIndex(config.seed, 'probe project id');
  const projectId =
    target.ids.projectId ??
    `proj_${Array.from({ length: 24 }, () => ALPHANUMERIC[random(ALPHANUMERIC.length)]).join('')}`;
  return {
    projectId,
    projectKnown: target.ids.projectId !== undefined,
    knownKeyIds: [target.ids.userKeyId, target.ids.serviceAccountKeyId].filter((id) => id !== undefined),
    keyIdModel: target.probes.unknownKeyId,
    ...(config.otherProjectId !== undefined && { otherProjectId: config.otherProjectId }),
    adminKey: target.adminKey,
    otherAdminKey: target.probes.invalidAdminKey,
    projectKey: `sk-proj-${Array.from({ length: 48 }, () => ALPHANUMERIC[random(ALPHANUMERIC.length)]).join('')}`,
    reference: target.reference,
    documentedQuery: documentedQueryOf(openapi.spec.document, openapi.operation.path.template),
  };
}

export interface ProbeRunResult {
  checks: CheckDraft[];
  probing: Probing;
  startedMs: number;
}

export async function probeRun(options: ProbeRunOptions): Promise<ProbeRunResult> {
  const startedMs = performance.now();
  const context = probeContextOf(options);
  const sender = probeSender({
    transport: options.transport,
    recorder: options.recorder,
    baseUrl: options.target.baseUrl,
    path: options.openapi.operation.path,
    adminKey: context.adminKey,
    reference: context.reference,
    ...(options.signal && { signal: options.signal }),
  });
  const { probes, seed } = options.config;
  // Learned at once, not one by one as the probes send them: one redaction pattern, not one per token.
  const known = new Set(variantTokensOf(context));
  options.transport.redactor.add(...known);
  options.onSecrets([...known]);
  options.log?.(`probing: ${probes} generated requests (seed ${seed})`);
  const { checks, probing } = await probeStage({
    probes,
    seed,
    context,
    urlOf: sender.urlOf,
    send: (request, label) => {
      const fresh = derivedSecrets(request, context.adminKey).filter((secret) => !known.has(secret));
      for (const secret of fresh) known.add(secret);
      if (fresh.length > 0) options.onSecrets(fresh);
      return sender.send(request, label);
    },
    maxPauseMs: retryAfterCapMs(options.policy),
    ...(options.signal && { signal: options.signal }),
  });
  const failing = checks.filter((c) => c.status === 'fail').length;
  options.log?.(
    `probing: ${probing.sent} sent, ${probing.answered} answered, ${probing.shrinkRequests} more to shrink failures; ${failing} of ${checks.length} rules failed`,
  );
  for (const failure of probing.failures) {
    options.log?.(
      `  ${failure.rule}: ${failure.method} ${failure.path} (${failure.auth}) → ${failure.status ?? 'no answer'}`,
    );
  }
  return { checks, probing, startedMs };
}
