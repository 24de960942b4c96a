// The README's picture of the HTML report, from a real run: the reference provider serving today's
// live shape of the service (`live-shape`), verified, rendered, and photographed in headless Chromium.
//   npm run screenshot -- [out.png]     (default docs/report.png; Chromium from npm, or CHROMIUM_PATH)
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runConformanceCli } from '../src/cli/conformance.ts';
import { conformanceFlags, startReferenceProvider } from '../src/provider/index.ts';
import { REPORT_FILES } from '../src/report/files.ts';
import { launchChromium } from './chromium.ts';

const out = process.argv[2] ?? 'docs/report.png';
const adminKey = 'sk-admin-EXAMPLE-screenshot';
const provider = await startReferenceProvider({ adminKey, fault: 'live-shape' });
const dir = mkdtempSync(join(tmpdir(), 'screenshot-'));
try {
  await runConformanceCli([...conformanceFlags(provider), '--report-dir', dir], {
    env: { OPENAI_ADMIN_KEY: adminKey },
    io: { stdout: () => {}, stderr: () => {} },
    signals: new EventEmitter(),
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(join(dir, REPORT_FILES.html)).href);
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await provider.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
