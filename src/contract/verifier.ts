import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pactBinaryPath, pactEnvironment, spawnGrouped } from '../pact/binary.ts';
import type { PactResult } from './verification-result.ts';

// One run of the static `pact verifier` binary against a gateway on loopback: every request it makes
// (state changes and interactions) goes to that gateway, which alone talks to the target. Its JSON report
// is the result; what it prints is kept only to explain a verifier that failed to produce one.

export interface VerifierOptions {
  pactPath: string;
  /** The gateway's port on 127.0.0.1: the verifier's "provider". */
  port: number;
  stateChangeUrl: string;
  /** A header the verifier adds to every request, so the gateway answers it and nobody else. */
  header: { name: string; value: string };
  /** The verifier's own timeout per request; the gateway answers within the transport's worst case. */
  requestTimeoutMs: number;
  /** Stops the verifier, with every process it started. */
  signal?: AbortSignal;
  /** The pact binary; default the installed one (tests give a stand-in). */
  binary?: string;
  /** Called once the verifier's process is spawned. */
  onStarted?(): void;
}

/** The verification could not run at all (the binary failed, no report): environment or misuse. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
  constructor(
    readonly pactPath: string,
    readonly reason: string,
  ) {
    super(`cannot verify ${pactPath}: ${reason}`);
  }
}

/** What the verifier printed, kept for an error message: the start is enough to say what went wrong. */
const OUTPUT_CAP = 16 * 1024;

export function verifierArguments(options: VerifierOptions, reportPath: string): string[] {
  return [
    'verifier',
    '--file',
    options.pactPath,
    '--hostname',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--state-change-url',
    options.stateChangeUrl,
    '--header',
    `${options.header.name}=${options.header.value}`,
    '--request-timeout',
    String(Math.ceil(options.requestTimeoutMs)),
    '--json',
    reportPath,
    '--no-colour',
    '--log-level',
    'off',
  ];
}

/**
 * The verifier's environment: a verifier run's (../pact/binary.ts), with a trust store that holds
 * nothing. It speaks plain HTTP to the gateway on 127.0.0.1 and nothing else, so it needs no CA
 * certificate, and without one it cannot reach a TLS server on its own. It also spares it reading and
 * parsing the system's CA bundle for every HTTP client it makes (one per request: most of its time on a
 * machine with a full bundle).
 */
export function verifierEnvironment(emptyRoots: { file: string; dir: string }): NodeJS.ProcessEnv {
  return pactEnvironment('verifier', process.env, {
    SSL_CERT_FILE: emptyRoots.file,
    SSL_CERT_DIR: emptyRoots.dir,
  });
}

/** Runs the verifier to its end and reads its JSON report. Exit 1 (interactions failed) still has one. */
export async function runVerifier(options: VerifierOptions): Promise<PactResult> {
  const { pactPath, signal } = options;
  signal?.throwIfAborted();
  const binary = options.binary ?? pactBinaryPath();
  // Synchronous up to the spawn: no turn of the event loop in which a stop could come unheard (the
  // abort listener is added with the spawn), and no round trips before the verifier starts.
  const dir = mkdtempSync(join(tmpdir(), 'pact-verifier-'));
  const reportPath = join(dir, 'report.json');
  const roots = { dir: join(dir, 'no-roots'), file: join(dir, 'no-roots', 'none.pem') };
  try {
    mkdirSync(roots.dir);
    writeFileSync(roots.file, '');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      // In a process group of its own, as the broker's CLI: a stop kills whatever it started too.
      const { child, killGroup } = spawnGrouped(
        binary,
        verifierArguments(options, reportPath),
        verifierEnvironment(roots),
      );
      let output = '';
      const keep = (chunk: Buffer) => {
        if (output.length < OUTPUT_CAP) output += chunk.toString('utf8').slice(0, OUTPUT_CAP - output.length);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const onAbort = () => {
        killGroup();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      options.onStarted?.();
      child.on('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(new VerificationError(pactPath, `cannot start ${binary}: ${error.message}`));
      });
      child.on('close', (exitCode) => {
        signal?.removeEventListener('abort', onAbort);
        resolve({ code: exitCode, output });
      });
    });
    let text: string;
    try {
      text = readFileSync(reportPath, 'utf8');
    } catch {
      const said =
        output
          .trim()
          .split('\n')
          .find((line) => line.trim() !== '') ?? 'nothing';
      throw new VerificationError(
        pactPath,
        `the verifier exited with ${code} and no report; it said: ${said}`,
      );
    }
    try {
      return JSON.parse(text) as PactResult;
    } catch {
      throw new VerificationError(pactPath, 'the verifier wrote a report that is not JSON');
    }
  } finally {
    // A few small files: at once, rather than a round trip through the thread pool for each.
    rmSync(dir, { recursive: true, force: true });
  }
}
