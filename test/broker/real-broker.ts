import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { runPactCli } from '../../src/broker/pact-cli.ts';
import {
  type BrokerPact,
  fetchPactsForVerification,
  type PactsForVerificationRequest,
} from '../../src/broker/pacts-for-verification.ts';
import { publishPacts } from '../../src/broker/publish-pacts.ts';
import { CONTRACT_PATH } from '../../src/contract/pact-file.ts';
import { type BrokerHandle, writePactDir } from './harness.ts';

// What the real-broker-*.test.ts files share: canary credentials and the calls they make. The broker
// workflow against the real Pact Broker (../shared/pact-broker) is in three files, each with its own
// broker, so npm test runs them side by side: publishing and pacts for verification; can-i-deploy and
// record-deployment; the webhook that starts the verification workflow. Every call carries canary
// credentials (the test broker ignores them): none may show anywhere.

export const TOKEN = 'pact-token-CANARY-8c1e5b2f';
export const PASSWORD = 'pact-password-CANARY-d41a97';
export const GITHUB_TOKEN = 'ghp_CANARY0000000000000000000000000000';
export const CANARIES = [TOKEN, PASSWORD, GITHUB_TOKEN];
export const CREDENTIALS = { kind: 'token', token: TOKEN } as const;

export const contract = JSON.parse(readFileSync(CONTRACT_PATH, 'utf8')) as {
  consumer: { name: string };
  provider: { name: string };
  interactions: { description: string }[];
};

/** The interactions as published: the broker adds an `_id` to each. */
export function asPublished(interactions: unknown): unknown {
  return (interactions as Record<string, unknown>[]).map(({ _id, ...interaction }) => interaction);
}

export function expectNoCanary(...texts: string[]): void {
  for (const text of texts) for (const canary of CANARIES) expect(text).not.to.include(canary);
}

/** The calls a suite makes against `broker`; the pact folders it writes are removed after the suite. */
export function realBroker(broker: BrokerHandle) {
  const dirs: string[] = [];
  const pactDir = (consumer: string, provider: string, interactions = contract.interactions): string => {
    const dir = writePactDir(tmpdir(), consumer, provider, interactions);
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });
  const publish = async (
    consumer: string,
    provider: string,
    version: string,
    branch: string,
    interactions?: typeof contract.interactions,
  ) => {
    const published = await publishPacts({
      brokerUrl: broker.url,
      credentials: CREDENTIALS,
      pactDir: pactDir(consumer, provider, interactions),
      consumerVersion: version,
      branch,
      env: { PATH: process.env.PATH, PACT_BROKER_TOKEN: TOKEN },
    });
    expect(published.code, published.stderr).to.equal(0);
    expectNoCanary(published.stdout, published.stderr);
  };
  const pact = (request: Omit<PactsForVerificationRequest, 'brokerUrl'>) =>
    fetchPactsForVerification({ brokerUrl: broker.url, credentials: CREDENTIALS, ...request });
  const pactsOf = async (request: Omit<PactsForVerificationRequest, 'brokerUrl'>): Promise<BrokerPact[]> => {
    const answer = await pact(request);
    if (answer.outcome !== 'pacts') throw new Error(answer.reason);
    await answer.dispose();
    return answer.pacts;
  };
  const getJson = async (path: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${broker.url}${path}`, { headers: { accept: 'application/hal+json' } });
    expect(response.status, path).to.equal(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const pactCli = (...args: string[]) =>
    runPactCli([...args, '--broker-base-url', broker.url], {
      env: { PATH: process.env.PATH, PACT_BROKER_TOKEN: TOKEN },
    });
  return { dirs, env, publish, pact, pactsOf, getJson, pactCli };
}
