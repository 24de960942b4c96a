import type { PathTemplate } from '../core/path-template.ts';
import type { ExchangeRecorder } from '../transport/recorder.ts';
import type { Transport } from '../transport/transport.ts';
import { TransportError } from '../transport/transport-error.ts';
import { headersOf, type ProbeRequest, SAFE_METHODS } from './probe-requests.ts';
import type { ProbeOutcome } from './probe-rules.ts';

// The edge of the probe stage: a generated request on the wire, through the run's one transport policy
// (timeouts, retries, Retry-After, size cap, same-origin redirects, every exchange recorded), and what
// came back as the rules read it.

/** A probe would have sent a method other than GET or HEAD to a target the run did not start. */
export class UnsafeProbeError extends Error {
  override name = 'UnsafeProbeError';
  constructor(readonly method: string) {
    super(`refused to send ${method} to a live target: probes send only GET and HEAD there`);
  }
}

export interface ProbeSenderOptions {
  transport: Pick<Transport, 'send'>;
  recorder: Pick<ExchangeRecorder, 'exchangesOf'>;
  /** The deployment, path prefix included. */
  baseUrl: string;
  path: PathTemplate;
  adminKey: string;
  /** The bundled reference provider, which the run started: only it may be sent other methods. */
  reference: boolean;
  signal?: AbortSignal;
}

export interface ProbeSender {
  urlOf(request: ProbeRequest): string;
  send(request: ProbeRequest, label: string): Promise<ProbeOutcome>;
}

/** Response headers as one string per name. */
const flatHeaders = (headers: Record<string, string | string[] | undefined>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );

export function probeSender(options: ProbeSenderOptions): ProbeSender {
  const base = new URL(options.baseUrl);
  // `(?<!\/)`: only a run's first slash may start a match, so a long run is read once, not once per slash.
  const prefix = base.pathname.replace(/(?<!\/)\/+$/, '');

  const urlOf = (request: ProbeRequest): string => {
    const query = new URLSearchParams(request.query).toString();
    return `${base.origin}${prefix}${options.path.expand([request.projectId, request.keyId])}${query ? `?${query}` : ''}`;
  };

  const send = async (request: ProbeRequest, label: string): Promise<ProbeOutcome> => {
    // The guard below the generator: whatever a category draws, a live target never sees DELETE.
    if (!options.reference && !SAFE_METHODS.includes(request.method))
      throw new UnsafeProbeError(request.method);
    const url = urlOf(request);
    const recorded = () => {
      const exchanges = options.recorder.exchangesOf(label);
      return {
        echoes: [...new Set(exchanges.flatMap((e) => e.secretEchoes ?? []))],
        exchangeIds: exchanges.map((e) => e.id),
      };
    };
    try {
      const answer = await options.transport.send(
        { method: request.method, url, headers: headersOf(request, options.adminKey) },
        { check: label, ...(options.signal && { signal: options.signal }) },
      );
      return {
        url,
        status: answer.status,
        headers: flatHeaders(answer.headers),
        text: answer.body.toString('utf8'),
        ...recorded(),
      };
    } catch (error) {
      if (!(error instanceof TransportError)) {
        if (options.signal?.aborted) return { url, headers: {}, text: '', failure: 'stopped', ...recorded() };
        throw error;
      }
      const response = error.exchange.response;
      return {
        url,
        ...(response && { status: response.status }),
        headers: response ? response.headers : {},
        text: '',
        failure: error.message,
        ...recorded(),
      };
    }
  };

  return { urlOf, send };
}
