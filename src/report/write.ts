import { randomUUID } from 'node:crypto';
import { appendFile, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsReason } from '../core/fs-error.ts';
import { REPORT_LIMITS, type ReportLimits } from './bound.ts';
import type { ConformanceResult } from './conformance-result.ts';
import { REPORT_FILES, type ReportFormat, type ReportPaths } from './files.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json-report.ts';
import { renderJunit } from './junit.ts';
import { MARKDOWN_LIMITS, renderMarkdown } from './markdown.ts';
import { redactResult } from './redact-result.ts';
import { ensureDirectory, ReportDirError } from './report-dir.ts';

// The one module of the reports that touches the disk.

/** summary.md is held to tighter limits than the rest: it is read on a page, under GitHub's 1 MiB cap. */
const LIMITS: Record<ReportFormat, Readonly<ReportLimits>> = {
  json: REPORT_LIMITS,
  junit: REPORT_LIMITS,
  html: REPORT_LIMITS,
  markdown: MARKDOWN_LIMITS,
};

const RENDERERS: Record<ReportFormat, (result: ConformanceResult) => string> = {
  json: renderJson,
  junit: renderJunit,
  html: renderHtml,
  markdown: renderMarkdown,
};

/** A report could not be written: where, and the system's one-line reason. */
export class ReportWriteError extends Error {
  override name = 'ReportWriteError';
  constructor(
    what: string,
    readonly path: string,
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`cannot write ${what} ${path}: ${reason}`);
  }
}

const failure = (what: string, path: string, error: unknown): ReportWriteError => {
  const { code, message } = error as NodeJS.ErrnoException;
  return new ReportWriteError(what, path, code, message.split('\n')[0] ?? String(error));
};

/**
 * Writes `content` to `path` so no reader ever sees half of it: into a temp file of a unique name in
 * the same directory (so the rename stays on one file system), synced, then renamed over `path`.
 */
export const writeFileAtomic = async (path: string, content: string): Promise<void> => {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
};

export interface WriteReportsOptions {
  /** Where `GITHUB_STEP_SUMMARY` and `OPENAI_ADMIN_KEY` are read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** More secrets no report may show, e.g. the Pact Broker's credentials. */
  secrets?: readonly string[];
}

/**
 * Renders the four reports into `dir` (created if need be), each written atomically, and appends
 * summary.md to `$GITHUB_STEP_SUMMARY` when set. The admin key from the environment is redacted from
 * every report, whatever the result holds. Rejects with a ReportWriteError naming what failed.
 */
export const writeReports = async (
  result: ConformanceResult,
  dir: string,
  options: WriteReportsOptions = {},
): Promise<{ paths: ReportPaths }> => {
  const env = options.env ?? process.env;
  const formats = Object.keys(REPORT_FILES) as ReportFormat[];
  const paths = Object.fromEntries(formats.map((f) => [f, join(dir, REPORT_FILES[f])])) as ReportPaths;
  const secrets = [env.OPENAI_ADMIN_KEY, ...(options.secrets ?? [])];
  // Redacted of the admin key (and any other secret given) and bounded at each report's own limits, as its renderer would bound it:
  // once per set of limits (three of the reports share theirs).
  const bounded = new Map<Readonly<ReportLimits>, ConformanceResult>();
  const boundedAt = (limits: Readonly<ReportLimits>): ConformanceResult => {
    let shown = bounded.get(limits);
    if (!shown) {
      shown = redactResult(result, secrets, limits);
      bounded.set(limits, shown);
    }
    return shown;
  };
  const contents = Object.fromEntries(
    formats.map((f) => [f, RENDERERS[f](boundedAt(LIMITS[f]))]),
  ) as ReportPaths;

  try {
    // Never `mkdir -p`: it can loop forever (see report-dir.ts).
    ensureDirectory(dir);
  } catch (error) {
    throw new ReportWriteError(
      'reports to',
      dir,
      undefined,
      error instanceof ReportDirError ? error.reason : fsReason(error),
    );
  }
  // Settle every write before reporting a failure, so none is still in flight when the caller hears.
  const written = await Promise.allSettled(formats.map((f) => writeFileAtomic(paths[f], contents[f])));
  written.forEach((outcome, i) => {
    const format = formats[i] as ReportFormat;
    if (outcome.status === 'rejected') throw failure('report', paths[format], outcome.reason);
  });
  const stepSummary = env.GITHUB_STEP_SUMMARY;
  if (stepSummary) {
    // Appended, never replaced: earlier steps of the job wrote there too.
    await appendFile(stepSummary, `${contents.markdown}\n`, 'utf8').catch((error) => {
      throw failure('the step summary', stepSummary, error);
    });
  }
  return { paths };
};
