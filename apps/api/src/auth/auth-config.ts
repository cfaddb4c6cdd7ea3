import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** How bearer tokens are checked: a shared HS256 secret (development) or the identity provider's JWKS (production). */
export type AuthConfig =
  { kind: 'secret'; secret: Uint8Array; source: string } | { kind: 'jwks'; url: URL; issuer?: string; audience?: string };

const MIN_SECRET_LENGTH = 16;

/**
 * Where the development secret lives when KRING_AUTH_SECRET is not set: beside the embedded store, so
 * `npm start` and `npm run token` agree on a fresh machine without anyone inventing a secret, and no
 * secret is ever written into the code.
 */
export function devSecretFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.KRING_DATA_DIR || './data'), 'dev-auth-secret');
}

function readOrCreateDevSecret(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(join(file, '..'), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process (the token CLI, a second test) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}

export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  if (env.KRING_AUTH_JWKS_URL) {
    let url: URL;
    try {
      url = new URL(env.KRING_AUTH_JWKS_URL);
    } catch {
      throw new Error(`KRING_AUTH_JWKS_URL is not a URL: ${env.KRING_AUTH_JWKS_URL}`);
    }
    return { kind: 'jwks', url, issuer: env.KRING_AUTH_ISSUER || undefined, audience: env.KRING_AUTH_AUDIENCE || undefined };
  }
  if (env.KRING_AUTH_SECRET) {
    if (env.KRING_AUTH_SECRET.length < MIN_SECRET_LENGTH)
      throw new Error(`KRING_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    return { kind: 'secret', secret: new TextEncoder().encode(env.KRING_AUTH_SECRET), source: 'KRING_AUTH_SECRET' };
  }
  if (env.NODE_ENV === 'production') {
    throw new Error('Set KRING_AUTH_JWKS_URL (or KRING_AUTH_SECRET) in production: no development secret is generated there');
  }
  const file = devSecretFile(env);
  return { kind: 'secret', secret: new TextEncoder().encode(readOrCreateDevSecret(file)), source: file };
}

export function describeAuthConfig(config: AuthConfig): string {
  return config.kind === 'jwks' ? `JWKS at ${config.url.href}` : `HS256 development secret from ${config.source}`;
}
