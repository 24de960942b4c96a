import { expect } from 'chai';
import type { ConformanceResult } from '../../src/report/conformance-result.ts';
import { renderConsoleSummary } from '../../src/report/console.ts';
import { REPORT_FILES } from '../../src/report/files.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJson } from '../../src/report/json-report.ts';
import { renderJunit, suiteName } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { PROBE_SEED, passing, probed } from './fixtures.ts';

// The seed is in every report, with the replay line; the probe rules are checks of their own category.

const PATHS = Object.fromEntries(Object.entries(REPORT_FILES).map(([k, v]) => [k, `reports/${v}`])) as never;
const RENDERERS: [string, (result: ConformanceResult) => string][] = [
  ['conformance.json', renderJson],
  ['junit.xml', renderJunit],
  ['report.html', renderHtml],
  ['summary.md', renderMarkdown],
];

describe('reports of a run that probed', () => {
  for (const [name, render] of RENDERERS) {
    it(`${name} records the seed and the flags that replay the probes`, () => {
      const text = render(probed());
      expect(text).to.include(String(PROBE_SEED));
      expect(text).to.include(`--seed ${PROBE_SEED} --probes 40`);
      // The smallest failing request, with its path as sent.
      expect(text).to.include('%C3%A9');
    });

    it(`${name} says nothing of a seed when the result has none`, () => {
      expect(render(passing())).not.to.match(/--seed|Seed/);
    });
  }

  it('junit.xml has a suite for the probe category', () => {
    expect(renderJunit(probed())).to.include(`name="${suiteName('probe')}"`);
  });

  it('the console names the failing probe rule with its smallest request', () => {
    const text = renderConsoleSummary(probed(), PATHS);
    expect(text).to.match(
      /FAIL probe: probes: no 5xx for any generated request — error .*smallest failing request/,
    );
  });

  it('says when probing was off, and still gives the seed', () => {
    const off = probed();
    off.probing = { ...(off.probing as NonNullable<ConformanceResult['probing']>), probes: 0, failures: [] };
    expect(renderMarkdown(off)).to.include(`seed ${PROBE_SEED}; probing off (--probes 0)`);
  });
});
