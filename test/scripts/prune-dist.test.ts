import { expect } from 'chai';
import { staleOutputs } from '../../scripts/prune-dist.ts';

describe('npm run build: outputs whose source is gone', () => {
  const sources = new Set(['cli/bin.ts', 'contract/verify-worker.mjs', 'legacy.js']);
  const cases: [string, boolean][] = [
    ['cli/bin.js', false],
    ['contract/verify-worker.mjs', false],
    ['legacy.js', false],
    ['cli/removed.js', true],
    ['contract/old-worker.mjs', true],
    ['cli/bin.mjs', true], // a .ts source emits .js, never .mjs
    ['.tsbuildinfo', false],
  ];
  for (const [output, stale] of cases) {
    it(`${output}: ${stale ? 'stale' : 'kept'}`, () => {
      expect(staleOutputs([output], (source) => sources.has(source))).to.deep.equal(stale ? [output] : []);
    });
  }
});
