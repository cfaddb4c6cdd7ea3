import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A development secret kept beside the embedded store (`<KRING_DATA_DIR>/<name>`), created on first
 * use: `npm start` and the tools started beside it agree on a fresh machine without anyone inventing a
 * secret, and no secret is ever written into the code. Never used in production.
 */
export function devSecret(name: string, env: NodeJS.ProcessEnv = process.env): { secret: string; file: string } {
  const file = join(resolve(env.KRING_DATA_DIR || './data'), name);
  try {
    return { secret: readFileSync(file, 'utf8').trim(), file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(join(file, '..'), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, file };
  } catch (error) {
    // Another process (the token CLI, a second test) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { secret: readFileSync(file, 'utf8').trim(), file };
    throw error;
  }
}
