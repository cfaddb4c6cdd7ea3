import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, JWTPayload, jwtVerify, JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';
import { type AuthConfig, describeAuthConfig } from './auth-config';
import { isCleanText } from '../graphql/clean-text';
import { isRole, ROLES } from '@kring/domain';
import type { Role } from './role';

const MAX_SUB_LENGTH = 200;
/** Clocks of the identity provider and this server may differ this much. */
const CLOCK_TOLERANCE_SECONDS = 30;
/**
 * A token that passed every check is taken on trust this long when it comes again, so that a client's
 * requests do not each pay for its signature (about a twentieth of a request's CPU). Its own expiry still
 * ends that trust at once; the bound is for a key the identity provider withdraws from its key set.
 */
const TRUSTED_FOR_MS = 60_000;
const TOKENS_TRUSTED = 1_000;

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

/** The person behind a request, from their token's claims. */
export interface AuthenticatedActor {
  id: string;
  name?: string;
  roles: Role[];
}

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

@Injectable()
export class TokenVerifier {
  private readonly verifyToken: (token: string) => Promise<JWTPayload>;
  /** Tokens that passed, with who they name and until when (ms since the epoch) they are trusted without a check. */
  private readonly trusted = new LRUCache<string, { actor: AuthenticatedActor; until: number }>({ max: TOKENS_TRUSTED });

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {
    // The same rules whichever key checks a token: it must say when it was issued and when it expires, it may
    // not be older (nor, beyond the clock tolerance, younger) than it can live, and issuer and audience match when set.
    const rules: JWTVerifyOptions = {
      issuer: config.issuer,
      audience: config.audience,
      requiredClaims: ['iat', 'exp'],
      maxTokenAge: `${config.maxLifetimeHours}h`,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    };
    if (config.kind === 'secret') {
      this.verifyToken = async (token) => (await jwtVerify(token, config.secret, { ...rules, algorithms: ['HS256'] })).payload;
    } else {
      // jose caches the key set and refetches it when a token names an unknown key id (key rotation).
      const keys = createRemoteJWKSet(config.url);
      this.verifyToken = async (token) => (await jwtVerify(token, keys, rules)).payload;
    }
  }

  async verify(authorization: string | undefined): Promise<AuthenticatedActor> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new InvalidTokenError('Send `Authorization: Bearer <JWT>`');
    const token = match[1];
    const known = this.trusted.get(token);
    if (known && Date.now() < known.until) return known.actor;
    const { actor, iat, exp } = await this.check(token);
    // jose refuses a token once exp, or iat plus the longest lifetime, lies more than the tolerance in the past.
    const expires = (Math.min(exp, iat + this.config.maxLifetimeHours * 3600) + CLOCK_TOLERANCE_SECONDS) * 1000;
    this.trusted.set(token, { actor, until: Math.min(Date.now() + TRUSTED_FOR_MS, expires) });
    return actor;
  }

  /** Every check of a token: its signature, its claims, and what Kring asks of them. */
  private async check(token: string): Promise<{ actor: AuthenticatedActor; iat: number; exp: number }> {
    let claims: JWTPayload;
    try {
      claims = await this.verifyToken(token);
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('The token has expired');
      if (error instanceof errors.JWSSignatureVerificationFailed && this.config.kind === 'secret')
        throw new InvalidTokenError(
          `The token's signature does not match this server's secret (${describeAuthConfig(this.config)}): ` +
            '`npm run token` must run with the same KRING_AUTH_SECRET as the server or, without one, the same KRING_DATA_DIR',
        );
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(`The token was refused: ${error.message}`);
      throw error;
    }
    const { sub, name, roles, iat, exp } = claims;
    if ((exp ?? 0) - (iat ?? 0) > this.config.maxLifetimeHours * 3600)
      throw new InvalidTokenError(
        `The token lives longer than ${this.config.maxLifetimeHours} hours (from iat to exp); ask for a shorter one`,
      );
    if (typeof sub !== 'string' || sub.trim() === '') throw new InvalidTokenError('The token has no `sub` claim');
    // The sub is stored with everything the actor does: it must be an id, not arbitrary bytes.
    if (sub.length > MAX_SUB_LENGTH || !isCleanText(sub))
      throw new InvalidTokenError(`The \`sub\` claim must be at most ${MAX_SUB_LENGTH} characters without control characters`);
    if (name !== undefined && (typeof name !== 'string' || !isCleanText(name)))
      throw new InvalidTokenError('The `name` claim must be text');
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
      throw new InvalidTokenError(`The \`roles\` claim must be an array of one or more of ${ROLES.join(', ')}`);
    }
    // Both are required claims (jose checked them).
    return { actor: { id: sub, ...(name ? { name } : {}), roles }, iat: iat!, exp: exp! };
  }
}
