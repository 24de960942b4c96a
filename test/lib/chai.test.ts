import * as chai6 from 'chai';
import * as chai5 from 'chai5';
import { chaiPlugin } from '../../src/lib/chai.ts';
import type { ProjectApiKey } from '../../src/lib/index.ts';
import { sampleOfComponent } from '../../src/openapi/sample.ts';
import { drop, edited, seed } from '../helpers.ts';

// The chai plugin on chai 6 (the project's) and chai 5 (installed as `chai5`): the same assertions, the
// same messages.

const key = sampleOfComponent('ProjectApiKey', seed.document) as ProjectApiKey;
const broken = edited(key, ['/owner/type', 'robot'], ['/owner/user/added_at', drop]);

for (const [version, chai] of [
  ['chai 6', chai6],
  ['chai 5', chai5],
] as const) {
  describe(`chaiPlugin on ${version}`, () => {
    chai.use(chaiPlugin);
    const { expect } = chai;
    const failure = (assertion: () => void): string => {
      try {
        assertion();
      } catch (error) {
        expect((error as Error).name).to.equal('AssertionError');
        return (error as Error).message;
      }
      return expect.fail('the assertion passed');
    };

    it('satisfySchema and the named assertions pass a valid body, parsed or as text', () => {
      expect(key).to.satisfySchema('ProjectApiKey');
      expect(JSON.stringify(key)).to.satisfySchema('ProjectApiKey');
      expect(key).to.be.aProjectApiKey();
      expect(key.owner.user).to.be.aProjectUser();
      expect(key.owner.service_account).to.be.aProjectServiceAccount();
    });

    it("a failure lists each finding's pointer and message", () => {
      const message = failure(() => expect(broken).to.satisfySchema('ProjectApiKey'));
      expect(message.split('\n')).to.deep.equal([
        'expected the body to satisfy ProjectApiKey, but it has 2 errors:',
        '  /owner/type: must be one of "user", "service_account"; got "robot"',
        '  /owner/user/added_at: required property "added_at" is missing',
      ]);
      expect(failure(() => expect(broken).to.be.aProjectApiKey())).to.equal(message);
    });

    it('negated: fails a valid body, passes an invalid one', () => {
      expect(broken).not.to.be.aProjectApiKey();
      expect(failure(() => expect(key).not.to.satisfySchema('ProjectApiKey'))).to.equal(
        'expected the body not to satisfy ProjectApiKey, but it does',
      );
    });

    it('takes the options of validate: strict, and another document', () => {
      const extra = edited(key, ['/extra', 1]);
      expect(extra).to.be.aProjectApiKey();
      expect(failure(() => expect(extra).to.be.aProjectApiKey({ strict: true }))).to.match(
        /\/extra: property "extra" is not declared by the schema/,
      );
    });

    it('bad input is a TypeError, not a failed assertion', () => {
      expect(() => expect(key).to.satisfySchema('Nope')).to.throw(
        TypeError,
        /^validate: unknown schema "Nope"/,
      );
      expect(() => expect('{').to.be.aProjectApiKey()).to.throw(TypeError, /the body is not JSON/);
    });
  });
}
