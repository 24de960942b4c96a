import { randomUUID } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync, type Stats, statfsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fsReason } from '../core/fs-error.ts';

// Where reports go, checked before a run starts and created without `mkdir -p`: Node's recursive mkdir
// loops forever where mkdir answers ENOENT for a parent that exists (it does under /proc), ignoring
// SIGTERM, so a run asked to write to /proc/self/reports never ended.

/** A report dir that cannot hold reports: why, in one line. */
export class ReportDirError extends Error {
  override name = 'ReportDirError';
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`cannot write reports to ${dir}: ${reason}`);
  }
}

/** Trees the kernel serves: their directories are views of the system, not places for files. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** statfs types of the same kind of file system, wherever it is mounted. */
const PSEUDO_FILE_SYSTEMS: Readonly<Record<number, string>> = {
  40864: 'proc',
  1650812274: 'sysfs',
  1684170528: 'debugfs',
  1953653091: 'tracefs',
  1935894131: 'securityfs',
  2613483: 'cgroup',
  1667723888: 'cgroup2',
  7377: 'devpts',
  1853056627: 'nsfs',
  3405662737: 'bpf',
};

const under = (path: string, root: string): boolean => path === root || path.startsWith(`${root}${sep}`);

const pseudoRootOf = (path: string): string | undefined => PSEUDO_ROOTS.find((root) => under(path, root));

/** The nearest part of `path` that exists (with its stat), and the parts below it still to create. */
const existingAncestor = (
  dir: string,
  path: string,
): { existing: string; stats: Stats; missing: string[] } => {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    try {
      return { existing: current, stats: statSync(current), missing };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new ReportDirError(dir, 'a part of the path is a file, not a directory');
      if (code !== 'ENOENT' || dirname(current) === current) throw new ReportDirError(dir, fsReason(error));
      missing.unshift(current);
    }
  }
};

/** Creates `dir` and any missing parents one level at a time; each failure is a ReportDirError, never a loop. */
export const ensureDirectory = (dir: string): void => {
  const path = resolve(dir);
  const { existing, stats, missing } = existingAncestor(dir, path);
  if (!stats.isDirectory()) {
    throw new ReportDirError(
      dir,
      existing === path ? 'it is a file, not a directory' : `${existing} is a file, not a directory`,
    );
  }
  for (const part of missing) {
    try {
      mkdirSync(part);
    } catch (error) {
      // Made by someone else meanwhile is fine, as long as it is a directory.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(part).isDirectory()) {
        throw new ReportDirError(dir, fsReason(error));
      }
    }
  }
};

/**
 * Makes sure reports can be written to `dir` before a run starts: not under /proc, /sys or /dev (also
 * through a symbolic link, or such a file system mounted elsewhere), not a file, created if missing,
 * and writable (a file is created there and removed, which also holds for root and read-only mounts).
 */
export const prepareReportDir = (dir: string): void => {
  const path = resolve(dir);
  const named = pseudoRootOf(path);
  if (named)
    throw new ReportDirError(
      dir,
      `it is under ${named}, which the kernel serves: choose a directory on a real file system`,
    );
  const { existing, stats } = existingAncestor(dir, path);
  if (stats.isDirectory()) {
    const real = realpathSync(existing);
    const linked = pseudoRootOf(real);
    const kind = PSEUDO_FILE_SYSTEMS[statfsSync(real).type];
    if (linked || kind) {
      throw new ReportDirError(
        dir,
        `it is on ${kind ?? linked} (${real}), which the kernel serves: choose a directory on a real file system`,
      );
    }
  }
  ensureDirectory(dir);
  const probe = join(path, `.conformance-write-check-${process.pid}-${randomUUID()}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (error) {
    throw new ReportDirError(dir, `it is not writable (${fsReason(error)})`);
  }
  rmSync(probe, { force: true });
};
