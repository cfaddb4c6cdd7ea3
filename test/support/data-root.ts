import { accessSync, constants, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SHARED_MEMORY = '/dev/shm';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where test stores keep their directories. Each embedded store starts as a copy of a 39 MB template:
 * written to disk that cost about a second a store, in memory (Linux's /dev/shm) a fraction of it.
 * The durability tests kill processes, not machines, so memory serves them as well as a disk.
 * KRING_TEST_DATA_DIR chooses another place.
 */
export function testDataRoot(): string {
  if (process.env.KRING_TEST_DATA_DIR) return process.env.KRING_TEST_DATA_DIR;
  try {
    accessSync(SHARED_MEMORY, constants.W_OK);
    return SHARED_MEMORY;
  } catch {
    return tmpdir();
  }
}

/** Removes what runs killed midway left behind (a day old or more): in memory it would hold RAM until the next boot. */
export function removeLeftoverStores(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith('kring-')) continue;
    const path = join(root, name);
    if (Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { recursive: true, force: true });
  }
}
