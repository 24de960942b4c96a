import { expect } from 'chai';
import { FAULT_NAMES } from '../../src/provider/index.ts';
import { FAULT_VERDICTS, PROBE_ONLY_FAULTS } from './fault-verdicts.ts';

// The fault tests' oracle holds together: one row per fault mode, and rows that say something a run can
// be held to.

const rows = Object.entries(FAULT_VERDICTS);

describe('fault verdicts, the oracle of the fault tests', () => {
  it('has exactly one row per fault mode, each with a conclusion', () => {
    expect(Object.keys(FAULT_VERDICTS)).to.have.members([...FAULT_NAMES]);
    for (const [name, row] of rows) expect(row.conclusion, name).to.be.a('string').and.not.equal('');
  });

  it('expects a pass only of the transient faults a single retry gets past, and of those that only warn', () => {
    const passing = rows.filter(([, row]) => row.verdict === 'pass');
    const transient = passing.filter(([, row]) => !('status' in row)).map(([name]) => name);
    expect(transient.sort()).to.deep.equal(['rate-limited', 'retry-after-ms', 'transient-5xx']);
    for (const [name, row] of passing.filter(([, r]) => 'status' in r)) {
      expect(row, name).to.include({ status: 'warn' });
      expect(row, name).to.have.property('keyword');
    }
    for (const [name, row] of rows.filter(([, r]) => r.verdict === 'fail')) {
      expect(row, name).not.to.have.property('status');
    }
  });

  it('names the pointer a schema fault breaks, and the keyword', () => {
    for (const [name, row] of rows.filter(([, r]) => r.category === 'schema')) {
      expect(row, name).to.have.property('pointer').that.matches(/^\//);
      expect(row, name).to.have.property('keyword');
    }
  });

  it('lists as probe-only exactly the faults whose verdict a probe rule gives, once each', () => {
    const probed = rows.filter(([, row]) => row.category === 'probe').map(([name]) => name);
    expect([...PROBE_ONLY_FAULTS]).to.have.members(probed);
    expect(new Set(PROBE_ONLY_FAULTS).size).to.equal(PROBE_ONLY_FAULTS.length);
  });
});
