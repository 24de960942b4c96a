// Runs the native Pact verifier in a process of its own, so the readable report it prints to stdout
// (it writes to the file descriptor, past any JS redirection) is captured by verify.ts and never mixes
// with the caller's own stdout. Plain JS so the child starts without a TypeScript loader.
// Input: one JSON argument (pact-core VerifierOptions). Output: one IPC message, a WorkerResult:
// { passed, text } with the verifier's JSON result, or the message it rejected with.
import { Verifier } from '@pact-foundation/pact-core';

process.env.PACT_DO_NOT_TRACK = 'true';
const options = JSON.parse(process.argv[2] ?? '{}');
const send = (result) => process.send?.(result, () => process.exit(0));

new Verifier(options).verify().then(
  (text) => send({ passed: true, text: String(text) }),
  (error) => send({ passed: false, text: error instanceof Error ? error.message : String(error) }),
);
