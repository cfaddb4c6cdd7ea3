import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirLockedError } from './data-dir-lock';

describe('data directory lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kring-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder with a message that names the holder and the way out', () => {
    const release = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`pid ${process.pid}.*KRING_DATA_DIR`));
    release();
    acquireDataDirLock(dir)();
  });

  it('takes over at once the lock of a process that no longer exists', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(join(dir, 'kring.lock'), JSON.stringify({ pid: Number(gone), host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const release = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(join(dir, 'kring.lock'), 'utf8')).pid).toBe(process.pid);
    release();
    expect(existsSync(join(dir, 'kring.lock'))).toBe(false);
  });

  it('takes over an empty lock file left by a process killed while writing it', () => {
    writeFileSync(join(dir, 'kring.lock'), '');
    acquireDataDirLock(dir)();
  });

  it('never takes over a lock held from another host (a shared disk)', () => {
    writeFileSync(join(dir, 'kring.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', since: '2026-01-01T00:00:00Z' }));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
  });
});
