/**
 * Every setting Kring takes from its environment, the form each accepts and its default: checked all
 * at once before anything opens (main.ts), then served by @nestjs/config's ConfigService. A bad value
 * ends the start with one sentence naming the setting and the form it takes.
 */
// These two alone: the settings are checked before the store's drivers are loaded.
import { esdbHostsOf } from '@kring/event-store/esdb/esdb-mapping';
import { eventStoreConfigFromEnv, readModelsOf } from '@kring/event-store/store-config';
import { z } from 'zod';

/** A setting with a value Kring cannot use; its message is the one sentence a person reads. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

interface Rule<T> {
  schema: z.ZodType<T, string>;
  /** The accepted form, as the error names it. */
  form: string;
  /** Never repeated in an error (logs are read by others). */
  secret?: true;
}

const wholeNumber = (min: number, max: number, unit?: string): Rule<number> => ({
  schema: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max)),
  form: `a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`,
});
const onOrOff: Rule<'on' | 'off'> = { schema: z.enum(['on', 'off']), form: '"on" or "off"' };
const text = (form: string): Rule<string> => ({ schema: z.string().min(1), form });
const atLeast = (length: number, what: string): Rule<string> => ({
  schema: z.string().min(length),
  form: `${what} of at least ${length} characters`,
});
const urlOf = (protocols: readonly string[], form: string): Rule<string> => ({
  schema: z.string().refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol)),
  form,
});
const postgresUrl = urlOf(['postgres:', 'postgresql:'], 'a PostgreSQL URL such as postgres://user@127.0.0.1:5432/kring');

/** Each setting: its rule and, where it has one, its default. */
const SETTINGS = {
  PORT: { ...wholeNumber(1, 65_535), fallback: 3000 },
  HOST: { ...text('an address to listen on, e.g. 0.0.0.0 or 127.0.0.1'), fallback: '0.0.0.0' },
  KRING_DATA_DIR: text('a directory for the embedded store (default ./data)'),
  KRING_DATABASE_URL: postgresUrl,
  KRING_EVENT_STORE: {
    // An EventStoreDB cluster's connection string lists several hosts: no URL a URL parser accepts.
    schema: z.string().refine((value) => esdbHostsOf(value) !== undefined || postgresUrl.schema.safeParse(value).success),
    form: 'an EventStoreDB connection string such as esdb://127.0.0.1:2113?tls=false (a cluster: esdb://a:2113,b:2113,c:2113?tls=false), or a PostgreSQL URL',
  },
  KRING_PROJECTIONS: { ...onOrOff, fallback: 'on' as const },
  KRING_LEADER_RETRY_MS: { ...wholeNumber(100, 600_000, 'milliseconds'), fallback: 2000 },
  KRING_AUTH_SECRET: { ...atLeast(16, 'a shared HS256 secret'), secret: true },
  KRING_AUTH_JWKS_URL: urlOf(['https:', 'http:'], "an http(s) URL of the identity provider's key set (JWKS)"),
  KRING_AUTH_ISSUER: text('the issuer (iss) tokens must name'),
  KRING_AUTH_AUDIENCE: text('the audience (aud) tokens must name'),
  KRING_TOKEN_MAX_HOURS: { ...wholeNumber(1, 9999, 'hours'), fallback: 12 },
  KRING_RATE_LIMIT: { ...wholeNumber(1, 999_999_999, 'requests per minute'), fallback: 600 },
  KRING_IDEMPOTENCY_HOURS: { ...wholeNumber(1, 9999, 'hours'), fallback: 24 },
  KRING_READ_WAIT_MS: { ...wholeNumber(1, 600_000, 'milliseconds'), fallback: 5000 },
  KRING_MASTER_KEY: { ...atLeast(32, 'a key'), secret: true },
  KRING_DEMO: onOrOff,
  KRING_INTROSPECTION: onOrOff,
  KRING_BENCH_BASELINE: onOrOff,
  KRING_SOURCE_SYSTEM: text('the name this system gives itself in the access log'),
} satisfies Record<string, Rule<unknown> & { fallback?: unknown }>;

type Definitions = typeof SETTINGS;
type ValueOf<D> = D extends Rule<infer T> ? T : never;
/** The checked settings, by their names in the environment; those without a default may be absent. */
export type Settings = {
  [K in keyof Definitions]: Definitions[K] extends { fallback: unknown } ? ValueOf<Definitions[K]> : ValueOf<Definitions[K]> | undefined;
};

/** Names read by the test suite and benches, not by Kring itself. */
const TOOL_SETTINGS = /^KRING_(TEST_|FUZZ_|CONTRACT_)/;

const SCHEMA = z.object(
  Object.fromEntries(
    Object.entries(SETTINGS).map(([name, definition]) => {
      // Unset and blank mean the same: the default, or nothing.
      const value = z.preprocess(
        (raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined),
        definition.schema.optional(),
      );
      return [name, 'fallback' in definition ? value.transform((v) => v ?? definition.fallback) : value];
    }),
  ),
);

/** The settings in `env`, checked; throws SettingsError naming the first that is not of its form. */
export function settingsFrom(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = SCHEMA.safeParse(env);
  if (parsed.success) return checkedTogether(parsed.data as Settings, env);
  const name = String(parsed.error.issues[0].path[0]) as keyof Definitions;
  const definition: Rule<unknown> = SETTINGS[name];
  const raw = env[name]?.trim() ?? '';
  // A password in a URL is masked; a secret is only counted.
  const given = definition.secret ? `the ${raw.length} characters given` : `"${raw.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')}"`;
  throw new SettingsError(`${name} must be ${definition.form}, not ${given}`);
}

/** Rules that span settings. */
function checkedTogether(settings: Settings, env: NodeJS.ProcessEnv): Settings {
  if (settings.KRING_PROJECTIONS === 'off' && readModelsOf(eventStoreConfigFromEnv(env)).adapter === 'pglite')
    throw new SettingsError(
      'KRING_PROJECTIONS=off needs the read models in a PostgreSQL a projector writes to (KRING_DATABASE_URL); on the embedded store the API builds them itself',
    );
  return settings;
}

/** A sentence for each KRING_* name that is no setting (a typo is otherwise silently ignored). */
export function unknownSettings(env: NodeJS.ProcessEnv = process.env): string[] {
  const known = Object.keys(SETTINGS);
  return Object.keys(env)
    .filter((name) => name.startsWith('KRING_') && !known.includes(name) && !TOOL_SETTINGS.test(name))
    .map((name) => {
      const likely = known.filter((k) => k.startsWith('KRING_')).sort((a, b) => distance(name, a) - distance(name, b))[0];
      return `${name} is not a Kring setting and is ignored${distance(name, likely) <= 3 ? ` (did you mean ${likely}?)` : ''}`;
    });
}

/** Edit distance between two names (to suggest the setting a typo meant). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
