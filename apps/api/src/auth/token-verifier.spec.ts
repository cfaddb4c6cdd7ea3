/** A token that passed is trusted again without its signature being checked, never past its own expiry. */
import 'reflect-metadata';
import { SignJWT } from 'jose';
import type { AuthConfig } from './auth-config';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

const secret = new TextEncoder().encode('a test secret of enough length for HS256');
const config: AuthConfig = { kind: 'secret', secret, source: 'a test', maxLifetimeHours: 12 };

/** A token for coach-1 issued at `iat` and expiring at `exp` (seconds since the epoch). */
const tokenOf = (iat: number, exp: number) =>
  new SignJWT({ roles: ['FACILITATOR'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('coach-1')
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(secret);

describe('TokenVerifier', () => {
  const start = Date.UTC(2026, 0, 5, 9);
  const seconds = start / 1000;
  let verifier: TokenVerifier;
  let checks: jest.SpyInstance;
  beforeEach(() => {
    jest.useFakeTimers({ now: start });
    verifier = new TokenVerifier(config);
    checks = jest.spyOn(verifier as unknown as { verifyToken: (token: string) => Promise<unknown> }, 'verifyToken');
  });
  afterEach(() => jest.useRealTimers());

  it('checks a token once, then trusts it for a minute; after that it checks it again', async () => {
    const token = await tokenOf(seconds, seconds + 3600);
    const actor = await verifier.verify(`Bearer ${token}`);
    expect(actor).toEqual({ id: 'coach-1', roles: ['FACILITATOR'] });
    jest.setSystemTime(start + 59_000);
    expect(await verifier.verify(`Bearer ${token}`)).toEqual(actor);
    expect(checks).toHaveBeenCalledTimes(1);
    jest.setSystemTime(start + 61_000);
    expect(await verifier.verify(`Bearer ${token}`)).toEqual(actor);
    expect(checks).toHaveBeenCalledTimes(2);
  });

  it('refuses a trusted token as soon as it expires (beyond the clock tolerance), as the first check would', async () => {
    const token = await tokenOf(seconds, seconds + 10);
    await verifier.verify(`Bearer ${token}`);
    // Within the 30 s tolerance after exp it is still good; then refused, although a minute of trust has not passed.
    jest.setSystemTime(start + 39_000);
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ id: 'coach-1' });
    jest.setSystemTime(start + 41_000);
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toThrow(new InvalidTokenError('The token has expired'));
  });

  it('trusts nothing it refused: a bad token is checked, and refused, every time', async () => {
    const token = await tokenOf(seconds, seconds + 3600);
    const forged = `${token.slice(0, -4)}AAAA`;
    for (let i = 0; i < 2; i++) await expect(verifier.verify(`Bearer ${forged}`)).rejects.toThrow(InvalidTokenError);
    expect(checks).toHaveBeenCalledTimes(2);
  });
});
