// The four reports a run writes, by format, and their file names in the report dir.

export type ReportFormat = 'json' | 'junit' | 'html' | 'markdown';
export type ReportPaths = Record<ReportFormat, string>;

export const REPORT_FILES: ReportPaths = {
  json: 'conformance.json',
  junit: 'junit.xml',
  html: 'report.html',
  markdown: 'summary.md',
};
