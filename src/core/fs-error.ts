// A file-system error in words a person reads: `no such file`, not `ENOENT`.

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'already exists',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** Why a file operation failed, in a few words; the error's code when it is not one of the usual ones. */
export const fsReason = (error: unknown): string => {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  if (code && REASONS[code]) return REASONS[code];
  return code ?? message?.split('\n')[0] ?? 'unknown error';
};
