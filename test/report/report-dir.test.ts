import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkReportDir } from '../../src/conformance/config.ts';
import { UsageError } from '../../src/core/usage.ts';
import { ensureDirectory, prepareReportDir, ReportDirError } from '../../src/report/report-dir.ts';
import { ReportWriteError, writeReports } from '../../src/report/write.ts';
import { passing } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'report-dir-'));
after(() => {
  spawnSync('chattr', ['-R', '-i', root], { stdio: 'ignore' });
  chmodSync(root, 0o755);
  rmSync(root, { recursive: true, force: true });
});
let made = 0;
const fresh = () => join(root, `case-${++made}`);

const failure = (dir: string): ReportDirError => {
  try {
    prepareReportDir(dir);
  } catch (error) {
    expect(error).to.be.instanceOf(ReportDirError);
    return error as ReportDirError;
  }
  throw new Error(`expected ${dir} to be refused`);
};

/**
 * A directory this process cannot write to: read-only by mode, or, for root (whom modes do not stop),
 * immutable. Undefined when the machine offers neither.
 */
const unwritableDir = (): string | undefined => {
  const dir = fresh();
  mkdirSync(dir);
  chmodSync(dir, 0o555);
  const canWrite = () => {
    try {
      writeFileSync(join(dir, 'probe'), '');
      rmSync(join(dir, 'probe'));
      return true;
    } catch {
      return false;
    }
  };
  if (!canWrite()) return dir;
  spawnSync('chattr', ['+i', dir], { stdio: 'ignore' });
  return canWrite() ? undefined : dir;
};

describe('the report dir, checked before a run', () => {
  it('creates a missing dir and its parents, and leaves no trace of the write check', () => {
    const dir = join(fresh(), 'a', 'b');
    prepareReportDir(dir);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('accepts an existing empty dir and one holding an earlier run’s reports', () => {
    const dir = fresh();
    mkdirSync(dir);
    prepareReportDir(dir);
    writeFileSync(join(dir, 'conformance.json'), '{}');
    prepareReportDir(dir);
    expect(readdirSync(dir)).to.deep.equal(['conformance.json']);
  });

  const refused: [string, () => string, RegExp][] = [
    [
      'a file',
      () => {
        const file = fresh();
        writeFileSync(file, 'x');
        return file;
      },
      /^cannot write reports to .*: it is a file, not a directory$/,
    ],
    [
      'a path through a file',
      () => {
        const file = fresh();
        writeFileSync(file, 'x');
        return join(file, 'reports');
      },
      /a part of the path is a file, not a directory$/,
    ],
    ['a dir under /proc, where mkdir -p never returned', () => '/proc/self/reports', /it is under \/proc/],
    ['/proc itself', () => '/proc', /it is under \/proc/],
    ['a dir under /sys', () => '/sys/kernel/reports', /it is under \/sys/],
    [
      'a symbolic link into /proc',
      () => {
        const link = fresh();
        symlinkSync('/proc/self', link);
        return join(link, 'reports');
      },
      /it is on proc \(\/proc\/\d+\)/,
    ],
  ];
  for (const [label, make, message] of refused) {
    it(`refuses ${label}, at once`, () => {
      const dir = make();
      expect(failure(dir).message).to.match(message);
    });
  }

  it('refuses a dir it cannot write to, even as root', function () {
    const dir = unwritableDir();
    if (!dir) this.skip(); // neither a read-only mode nor chattr can stop writes here
    expect(failure(dir as string).message).to.match(
      /: it is not writable \((permission denied|operation not permitted)\)$/,
    );
  });

  it('creates a dir with no mkdir -p, so /proc fails at once instead of looping', () => {
    expect(() => ensureDirectory('/proc/self/reports/deeper')).to.throw(ReportDirError, /no such file/);
    const dir = join(fresh(), 'x', 'y');
    ensureDirectory(dir);
    expect(existsSync(dir)).to.equal(true);
  });

  it('lets writeReports fail at once on /proc, where it used to hang forever', async () => {
    const error = await writeReports(passing(), '/proc/self/reports', { env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ReportWriteError);
    expect((error as Error).message).to.equal('cannot write reports to /proc/self/reports: no such file');
  });

  it('is a usage error for the CLI, naming the flag', () => {
    expect(() => checkReportDir('/proc/self/reports')).to.throw(
      UsageError,
      /^--report-dir \/proc\/self\/reports: it is under \/proc/,
    );
  });
});
