import type { IncomingMessage, ServerResponse } from 'node:http';
import { nestedDeeperThan } from '../core/json.ts';
import { type StateSetup, stateKeyOf } from '../pact/provider-states.ts';

// Pact's provider-state protocol, so any Pact verifier (the standalone `pact verifier` included) can set
// up the reference provider's states: POST {"state", "params", "action"} to the state-change URL; the
// answer's JSON object fills the pact's `fromProviderState` expressions.

/** Bodies past this are refused: a state change is a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

export interface StateChange {
  state?: unknown;
  params?: unknown;
  action?: unknown;
}

/** What a state-change request gets: a status and a JSON body. Pure, so tests state it as data. */
export const answerStateChange = async (
  change: StateChange,
  stateSetup: StateSetup,
): Promise<{ status: number; body: Record<string, unknown> }> => {
  if (change.action === 'teardown') return { status: 200, body: {} };
  if (change.action !== undefined && change.action !== 'setup') {
    return { status: 400, body: { error: `unknown action ${JSON.stringify(change.action)}` } };
  }
  const key = typeof change.state === 'string' ? stateKeyOf(change.state) : undefined;
  if (!key) return { status: 400, body: { error: `unknown provider state ${JSON.stringify(change.state)}` } };
  const { projectId, keyId } = (change.params ?? {}) as Record<string, unknown>;
  if (typeof projectId !== 'string' || typeof keyId !== 'string') {
    return { status: 400, body: { error: 'params must carry projectId and keyId' } };
  }
  const held = await stateSetup(key, { projectId, keyId });
  if (!held) return { status: 400, body: { error: `cannot set up "${change.state}"` } };
  return { status: 200, body: { ...held } };
};

const readJson = async (req: IncomingMessage): Promise<StateChange | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    // 64 KB still nests 30,000 levels: past the bound, answering (which quotes the action) would overflow.
    return parsed !== null && typeof parsed === 'object' && !nestedDeeperThan(parsed)
      ? (parsed as StateChange)
      : undefined;
  } catch {
    return undefined;
  }
};

/** The endpoint itself: answers POSTs to the state-change path. */
export const stateChangeEndpoint =
  (stateSetup: StateSetup) =>
  async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const change = req.method === 'POST' ? await readJson(req) : undefined;
    const { status, body } = change
      ? await answerStateChange(change, stateSetup)
      : { status: req.method === 'POST' ? 400 : 405, body: { error: 'POST a JSON state change' } };
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
