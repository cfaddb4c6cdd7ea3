/**
 * Prints a development token signed with the same HS256 secret the API uses:
 *   npm run token -- --sub coach-1 --roles FACILITATOR [--name "Netwerkcoach Baarn"] [--expires 8h]
 */
import { parseArgs } from 'node:util';
import { authConfigFromEnv, describeAuthConfig } from './auth-config';
import { signDevToken } from './dev-token';
import { isRole, ROLES } from '@kring/domain';

const usage = 'Usage: npm run token -- --sub <id> --roles <ROLE[,ROLE]> [--name <name>] [--expires 8h]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\nRoles: ${ROLES.join(', ')}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { sub: { type: 'string' }, roles: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string', default: '8h' } },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (!values.sub) fail('--sub is required');
  const roles = (values.roles ?? '')
    .split(',')
    .map((role) => role.trim().toUpperCase())
    .filter(Boolean);
  if (roles.length === 0) fail('--roles is required');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) fail(`Unknown role(s): ${unknown.join(', ')}`);

  const config = authConfigFromEnv();
  if (config.kind !== 'secret') fail('KRING_AUTH_JWKS_URL is set: tokens come from your identity provider, not from here');
  const lifetime = /^(\d{1,6})([smhd])$/.exec(values.expires ?? '8h');
  if (!lifetime) fail('--expires is a number with s, m, h or d, e.g. 8h');
  const seconds = Number(lifetime[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[lifetime[2] as 's' | 'm' | 'h' | 'd'];
  if (seconds > config.maxLifetimeHours * 3600) fail(`--expires may be at most ${config.maxLifetimeHours}h (KRING_TOKEN_MAX_HOURS)`);
  const token = await signDevToken(config, { sub: values.sub, roles: roles.filter(isRole), name: values.name }, seconds);
  process.stdout.write(`${token}\n`);
  // On stderr, so that `$(npm run -s token …)` captures the token alone.
  process.stderr.write(`Signed with the ${describeAuthConfig(config)}; the API accepts it only with the same secret.\n`);
}

main().catch((error: Error) => fail(error.message));
