import { SignJWT } from 'jose';
import type { Role } from '@kring/domain';
import type { AuthConfig } from './auth-config';

export interface DevTokenClaims {
  sub: string;
  roles: readonly Role[];
  name?: string;
}

/**
 * A token the API accepts, signed with its own HS256 secret: for developers (`npm run token`) and for
 * the demo loader, which sends its history through the API as staff would. With a JWKS only the
 * identity provider can sign, so there is none.
 */
export function signDevToken(config: AuthConfig, claims: DevTokenClaims, seconds: number): Promise<string> {
  if (config.kind !== 'secret') throw new Error('KRING_AUTH_JWKS_URL is set: tokens come from your identity provider, not from here');
  let jwt = new SignJWT({ roles: [...claims.roles], ...(claims.name ? { name: claims.name } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(`${seconds}s`);
  // The API checks issuer and audience when they are set: a development token carries them too.
  if (config.issuer) jwt = jwt.setIssuer(config.issuer);
  if (config.audience) jwt = jwt.setAudience(config.audience);
  return jwt.sign(config.secret);
}
