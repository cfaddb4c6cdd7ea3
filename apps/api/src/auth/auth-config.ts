import { devSecret } from '@kring/privacy';
import { wholeNumberSetting } from '../settings';

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

const MIN_SECRET_LENGTH = 16;
const DEFAULT_MAX_LIFETIME_HOURS = 12;

function tokenRulesFromEnv(env: NodeJS.ProcessEnv): TokenRules {
  return {
    issuer: env.KRING_AUTH_ISSUER?.trim() || undefined,
    audience: env.KRING_AUTH_AUDIENCE?.trim() || undefined,
    maxLifetimeHours: wholeNumberSetting('KRING_TOKEN_MAX_HOURS', 'hours', DEFAULT_MAX_LIFETIME_HOURS, 9999, env),
  };
}

export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const rules = tokenRulesFromEnv(env);
  if (env.KRING_AUTH_JWKS_URL) {
    let url: URL;
    try {
      url = new URL(env.KRING_AUTH_JWKS_URL);
    } catch {
      throw new Error(`KRING_AUTH_JWKS_URL is not a URL: ${env.KRING_AUTH_JWKS_URL}`);
    }
    return { kind: 'jwks', url, ...rules };
  }
  if (env.KRING_AUTH_SECRET) {
    if (env.KRING_AUTH_SECRET.length < MIN_SECRET_LENGTH)
      throw new Error(`KRING_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    return { kind: 'secret', secret: new TextEncoder().encode(env.KRING_AUTH_SECRET), source: 'KRING_AUTH_SECRET', ...rules };
  }
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
