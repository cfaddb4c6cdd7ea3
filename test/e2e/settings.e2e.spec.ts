/**
 * Settings are checked before anything opens: a bad value ends the start at once with one sentence
 * naming the setting and the form it takes (exit code 1, no stack), and nothing is written.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SettingsError, settingsFrom, unknownSettings } from '../../apps/api/src/settings';

const TSX = join(__dirname, '../../node_modules/.bin/tsx');
const MAIN = join(__dirname, '../../apps/api/src/main.ts');

/** Starts the API with `env` added and waits for it to end (a refused start ends by itself). */
async function start(env: Record<string, string>): Promise<{ code: number; stderr: string; ms: number }> {
  const started = Date.now();
  return promisify(execFile)(TSX, [MAIN], { env: { ...process.env, ...env }, timeout: 30_000 }).then(
    ({ stderr }) => ({ code: 0, stderr, ms: Date.now() - started }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr, ms: Date.now() - started }),
  );
}

describe('settings', () => {
  it('takes defaults for unset and blank settings, and whole numbers as numbers', () => {
    const settings = settingsFrom({ PORT: ' ', KRING_RATE_LIMIT: '42' });
    expect(settings).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      KRING_RATE_LIMIT: 42,
      KRING_READ_WAIT_MS: 5000,
      KRING_TOKEN_MAX_HOURS: 12,
    });
    expect(settings.KRING_DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a whole number from 1 to 65535, not "abc"'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 1 to 65535, not "70000"'],
    [{ KRING_RATE_LIMIT: '-5' }, 'KRING_RATE_LIMIT must be a whole number of requests per minute from 1 to 999999999, not "-5"'],
    [{ KRING_DEMO: 'yes' }, 'KRING_DEMO must be "on" or "off", not "yes"'],
    [
      { KRING_DATABASE_URL: 'mysql://x' },
      'KRING_DATABASE_URL must be a PostgreSQL URL such as postgres://user@127.0.0.1:5432/kring, not "mysql://x"',
    ],
    [
      { KRING_AUTH_SECRET: 'short' },
      'KRING_AUTH_SECRET must be a shared HS256 secret of at least 16 characters, not the 5 characters given',
    ],
    [
      { KRING_DATABASE_URL: 'mysql://kring:hunter2@db/kring' },
      'KRING_DATABASE_URL must be a PostgreSQL URL such as postgres://user@127.0.0.1:5432/kring, not "mysql://kring:***@db/kring"',
    ],
    [
      { KRING_AUTH_JWKS_URL: 'not a url' },
      'KRING_AUTH_JWKS_URL must be an http(s) URL of the identity provider\'s key set (JWKS), not "not a url"',
    ],
  ])('refuses %j with one sentence naming the setting and its form', (env, message) => {
    expect(() => settingsFrom(env)).toThrow(message);
  });

  it('refuses replicas without projections where no projector can write the read models', () => {
    expect(() => settingsFrom({ KRING_PROJECTIONS: 'off' })).toThrow(
      new SettingsError(
        'KRING_PROJECTIONS=off needs the read models in a PostgreSQL a projector writes to (KRING_DATABASE_URL); on the embedded store the API builds them itself',
      ),
    );
    expect(settingsFrom({ KRING_PROJECTIONS: 'off', KRING_DATABASE_URL: 'postgres://db/kring' }).KRING_PROJECTIONS).toBe('off');
    expect(settingsFrom({ KRING_PROJECTIONS: 'off', KRING_EVENT_STORE: 'postgres://db/kring' }).KRING_PROJECTIONS).toBe('off');
    expect(() => settingsFrom({ KRING_EVENT_STORE: 'esdb://a:2113,b:2113?tls=false' })).not.toThrow();
    expect(() => settingsFrom({ KRING_EVENT_STORE: 'mysql://db' })).toThrow(/KRING_EVENT_STORE must be an EventStoreDB connection string/);
  });

  it('names a KRING_ variable that is no setting, with the setting it probably meant', () => {
    expect(unknownSettings({ KRING_RATELIMIT: '5', KRING_TEST_DATA_DIR: '/tmp', OTHER: 'x' })).toEqual([
      'KRING_RATELIMIT is not a Kring setting and is ignored (did you mean KRING_RATE_LIMIT?)',
    ]);
  });

  it('ends a start with a bad setting at once: exit code 1, one sentence, no stack, nothing written', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'kring-settings-')), 'data');
    try {
      const { code, stderr, ms } = await start({ PORT: 'abc', KRING_DATA_DIR: dataDir, KRING_DATABASE_URL: '' });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe('Kring could not start: PORT must be a whole number from 1 to 65535, not "abc"');
      expect(existsSync(dataDir)).toBe(false);
      expect(ms).toBeLessThan(15_000);
    } finally {
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
