import { expect } from 'chai';
import {
  authorizationOf,
  BrokerCredentialsError,
  brokerCredentialsFrom,
  credentialSecretsIn,
  secretsOf,
} from '../../src/broker/credentials.ts';

const TOKEN = 'pact-token-CANARY-3f9c';
const PASSWORD = 'pact-password-CANARY-77a1';

describe('broker credentials', () => {
  const cases: [string, NodeJS.ProcessEnv, ReturnType<typeof brokerCredentialsFrom> | RegExp][] = [
    ['none', {}, undefined],
    ['a token', { PACT_BROKER_TOKEN: TOKEN }, { kind: 'token', token: TOKEN }],
    [
      'basic auth',
      { PACT_BROKER_USERNAME: 'ci', PACT_BROKER_PASSWORD: PASSWORD },
      { kind: 'basic', username: 'ci', password: PASSWORD },
    ],
    [
      'both: the token wins, as in pact-js',
      { PACT_BROKER_TOKEN: TOKEN, PACT_BROKER_USERNAME: 'ci', PACT_BROKER_PASSWORD: PASSWORD },
      { kind: 'token', token: TOKEN },
    ],
    ['empty variables, as unset', { PACT_BROKER_TOKEN: '', PACT_BROKER_USERNAME: '' }, undefined],
    ['a username without a password', { PACT_BROKER_USERNAME: 'ci' }, /PACT_BROKER_PASSWORD is not/],
    ['a password without a username', { PACT_BROKER_PASSWORD: PASSWORD }, /PACT_BROKER_USERNAME is not/],
    ['a blank token', { PACT_BROKER_TOKEN: '  ' }, /PACT_BROKER_TOKEN is blank/],
  ];
  for (const [label, env, want] of cases) {
    it(`environment with ${label}`, () => {
      if (want instanceof RegExp) {
        expect(() => brokerCredentialsFrom(env)).to.throw(BrokerCredentialsError, want);
        try {
          brokerCredentialsFrom(env);
        } catch (error) {
          expect((error as Error).message).not.to.include(PASSWORD);
        }
      } else {
        expect(brokerCredentialsFrom(env)).to.deep.equal(want);
      }
    });
  }

  it('sends a bearer token or basic auth', () => {
    expect(authorizationOf({ kind: 'token', token: TOKEN })).to.equal(`Bearer ${TOKEN}`);
    expect(authorizationOf({ kind: 'basic', username: 'ci', password: 'pw' })).to.equal(
      `Basic ${Buffer.from('ci:pw').toString('base64')}`,
    );
  });

  it('names the token, the password and the encoded pair as secrets, not the username', () => {
    const basic = { kind: 'basic', username: 'admin', password: PASSWORD } as const;
    expect(secretsOf(basic)).to.have.members([PASSWORD, Buffer.from(`admin:${PASSWORD}`).toString('base64')]);
    expect(secretsOf({ kind: 'token', token: TOKEN })).to.deep.equal([TOKEN]);
    expect(credentialSecretsIn({ PACT_BROKER_TOKEN: TOKEN, PACT_BROKER_PASSWORD: PASSWORD })).to.have.members(
      [TOKEN, PASSWORD],
    );
  });
});
