import { devSecret } from '@kring/privacy';
import { settingsFrom } from '../settings';

/** What every token must satisfy, whichever key checks it. */
export interface TokenRules {
  /** Checked when set (KRING_AUTH_ISSUER, KRING_AUTH_AUDIENCE). */
  issuer?: string;
  audience?: string;
  /** The longest a token may live, from `iat` to `exp` (KRING_TOKEN_MAX_HOURS, default 12). */
  maxLifetimeHours: number;
}

/** How bearer tokens are checked: a shared HS256 secret (development) or the identity provider's JWKS (production). */
export type AuthConfig = TokenRules & ({ kind: 'secret'; secret: Uint8Array; source: string } | { kind: 'jwks'; url: URL });

export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const settings = settingsFrom(env);
  const rules: TokenRules = {
    issuer: settings.KRING_AUTH_ISSUER,
    audience: settings.KRING_AUTH_AUDIENCE,
    maxLifetimeHours: settings.KRING_TOKEN_MAX_HOURS,
  };
  if (settings.KRING_AUTH_JWKS_URL) return { kind: 'jwks', url: new URL(settings.KRING_AUTH_JWKS_URL), ...rules };
  if (settings.KRING_AUTH_SECRET)
    return { kind: 'secret', secret: new TextEncoder().encode(settings.KRING_AUTH_SECRET), source: 'KRING_AUTH_SECRET', ...rules };
  if (env.NODE_ENV === 'production') {
    throw new Error('Set KRING_AUTH_JWKS_URL (or KRING_AUTH_SECRET) in production: no development secret is generated there');
  }
  // Kept beside the embedded store, so `npm start` and `npm run token` agree on a fresh machine.
  const { secret, file } = devSecret('dev-auth-secret', env);
  return { kind: 'secret', secret: new TextEncoder().encode(secret), source: file, ...rules };
}

export function describeAuthConfig(config: AuthConfig): string {
  return config.kind === 'jwks' ? `JWKS at ${config.url.href}` : `HS256 development secret from ${config.source}`;
}
