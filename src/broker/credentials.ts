// Pact Broker credentials: from the environment only (never a flag), the same variables the official
// Pact tools read. A bearer token (PactFlow) or basic auth (a self-hosted broker); the token wins when both
// are set, as in pact-js. The token, the password and the encoded pair are secrets, redacted from all
// output; the username is not (redacting a common word like "admin" would mangle reports), but nothing
// here ever prints it.

export type BrokerCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'basic'; username: string; password: string };

/** Credentials the environment gives that cannot be used: a half of basic auth, or a blank value. */
export class BrokerCredentialsError extends Error {
  override readonly name = 'BrokerCredentialsError';
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.trim() === '') throw new BrokerCredentialsError(`${name} is blank`);
  return raw;
}

/** The broker credentials in `env`, or undefined when none are set (a broker without authentication). */
export function brokerCredentialsFrom(env: NodeJS.ProcessEnv): BrokerCredentials | undefined {
  const token = value(env, 'PACT_BROKER_TOKEN');
  const username = value(env, 'PACT_BROKER_USERNAME');
  const password = value(env, 'PACT_BROKER_PASSWORD');
  if (token) return { kind: 'token', token };
  if (username && password) return { kind: 'basic', username, password };
  if (username)
    throw new BrokerCredentialsError('PACT_BROKER_USERNAME is set but PACT_BROKER_PASSWORD is not');
  if (password)
    throw new BrokerCredentialsError('PACT_BROKER_PASSWORD is set but PACT_BROKER_USERNAME is not');
  return undefined;
}

function basic(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** The Authorization header value for `credentials`. */
export function authorizationOf(credentials: BrokerCredentials): string {
  return credentials.kind === 'token'
    ? `Bearer ${credentials.token}`
    : `Basic ${basic(credentials.username, credentials.password)}`;
}

/** Every string that must never be shown: the token, or the password and the encoded basic-auth pair. */
export function secretsOf(credentials: BrokerCredentials | undefined): string[] {
  if (!credentials) return [];
  if (credentials.kind === 'token') return [credentials.token];
  return [credentials.password, basic(credentials.username, credentials.password)];
}

/** The secrets among the credential variables of `env`, even unusable ones: for redacting before parsing. */
export function credentialSecretsIn(env: NodeJS.ProcessEnv): string[] {
  const { PACT_BROKER_TOKEN: token, PACT_BROKER_USERNAME: username, PACT_BROKER_PASSWORD: password } = env;
  const secrets = [token, password].filter((s): s is string => s !== undefined && s.trim() !== '');
  if (username && password) secrets.push(basic(username, password));
  return secrets;
}

/** How a credential source is named in messages, without its value. */
export function describeCredentials(credentials: BrokerCredentials | undefined): string {
  return credentials === undefined
    ? 'no credentials (set PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD)'
    : credentials.kind === 'token'
      ? 'the token in PACT_BROKER_TOKEN'
      : 'the username and password in PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD';
}
