import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Kring process (pid ${holderPid} on this machine). ` +
        `Stop that process, or point KRING_DATA_DIR at another directory.`,
    );
    this.name = 'DataDirLockedError';
  }
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/**
 * PGlite has no postmaster.pid: two processes opening one directory would corrupt it. We take a
 * lock file created exclusively (O_EXCL) that names our pid. A lock whose process is gone (a crash,
 * SIGKILL) is taken over at once, so a restart after a crash never waits. We do not use
 * proper-lockfile: it detects stale locks by a timer refreshing the file's mtime, and PGlite blocks
 * the event loop during long statements, which would make a live lock look stale.
 * Known limit: two processes that both find the same stale lock at the same instant could both
 * take it over; starting two servers on one directory in the same millisecond after a crash is the
 * only way to get there.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'kring.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner && isAlive(owner)) throw new DataDirLockedError(dataDir, owner.pid);
      unlinkSync(path);
    }
  }
  throw new Error(`Could not take the lock ${path}: another process keeps replacing it`);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    // Empty or half-written by a process killed between create and write: nobody holds it.
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // A shared disk: we cannot tell, so never steal it.
  if (owner.pid === process.pid) return true; // Opened twice in this very process: also refused.
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
