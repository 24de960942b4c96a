// Renders an example conformance result to HTML and saves a screenshot of it for the README:
//   npx tsx scripts/screenshot-report.ts [out.png]     (default docs/report.png)
// Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM_PATH).
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  type CheckResult,
  type ConformanceResult,
  statusOf,
  summarize,
  verdictOf,
} from '../src/conformance/result.ts';
import type { Finding } from '../src/finding.ts';
import { renderHtml } from '../src/report/html.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const STARTED = '2025-01-15T10:00:00.000Z';

const check = (name: string, category: CheckResult['category'], findings: Finding[] = [], extra = {}) =>
  ({ name, category, status: statusOf(findings), findings, durationMs: 40, ...extra }) as CheckResult;

/** A provider that drifted the way today's service did: owner.user lost `added_at`, gained fields. */
export const exampleResult = (): ConformanceResult => {
  const checks: CheckResult[] = [
    check('200: body is a ProjectApiKey', 'schema', [
      {
        pointer: '/owner/user/added_at',
        message: 'required property "added_at" is missing',
        severity: 'error',
        keyword: 'required',
      },
      {
        pointer: '/owner/user/object',
        message: 'required property "object" is missing',
        severity: 'error',
        keyword: 'required',
      },
      {
        pointer: '/last_used_at',
        message: 'property is not declared in the schema',
        severity: 'warning',
        keyword: 'additionalProperties',
      },
    ]),
    check('401 error body for a missing key', 'schema'),
    check('retrieve an existing key (pact)', 'pact'),
    check('404 for an unknown key (pact)', 'pact'),
    check('owner.type names the owner present', 'semantic'),
    check('ids look like key_… and proj_…', 'semantic', [
      {
        pointer: '/owner/user/id',
        message: 'user id "user_abc" does not look like "user-…"',
        severity: 'warning',
      },
    ]),
    check('redacted_value keeps only the first 8 and last 4 characters', 'security'),
    check('no key in any response header', 'security'),
    check('honours Retry-After on 429', 'transport', [], {
      status: 'skip',
      skipReason: 'the target never answered 429',
    }),
    check('retries a 503, then succeeds', 'transport', [], { attempts: 3 }),
  ];
  const body =
    '{"object":"organization.project.api_key","id":"key_abc","name":"Ci key","owner":{"type":"user"}}';
  return {
    verdict: verdictOf(checks, true),
    complete: true,
    summary: summarize(checks),
    target: { baseUrl: 'https://provider.example.test/v1', reference: false },
    spec: { path: 'schemas/openapi.yaml', version: '2.3.0', sha256: sha('spec') },
    pact: { path: 'contracts/project-api-key-consumer-provider.json', sha256: sha('pact') },
    startedAt: STARTED,
    finishedAt: '2025-01-15T10:00:03.412Z',
    checks,
    exchanges: [
      {
        id: 'ex-1',
        check: '200: body is a ProjectApiKey',
        request: {
          method: 'GET',
          url: 'https://provider.example.test/v1/organization/projects/proj_abc/api_keys/key_abc',
          headers: { authorization: 'Bearer [REDACTED]', accept: 'application/json' },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json', 'x-request-id': 'req_123' },
          bodyExcerpt: body,
          bodyBytes: body.length,
          truncated: false,
        },
        attempts: [{ startedAt: STARTED, durationMs: 38, status: 200 }],
        durationMs: 38,
      },
    ],
  };
};

export const screenshotReport = async (out: string, executablePath = '/usr/bin/chromium'): Promise<void> => {
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
    await page.setContent(renderHtml(exampleResult()));
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
  } finally {
    await browser.close();
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? 'docs/report.png';
  await screenshotReport(out, process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
  process.stdout.write(`wrote ${out}\n`);
}
