import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server tests may create scratch databases on; CI and developers have one at 127.0.0.1:5432. */
export const TEST_POSTGRES_URL = process.env.KRING_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Set by test/support/global-setup.ts when PostgreSQL cannot be reached outside CI. */
export const POSTGRES_SKIP_REASON = process.env.KRING_TEST_POSTGRES_SKIP_REASON;

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database, so each test file starts from an empty log and never sees another's. */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const name = `kring_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

export async function postgresReachable(): Promise<string | undefined> {
  try {
    await withAdmin((client) => client.query('SELECT 1'));
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${new URL(TEST_POSTGRES_URL).host} is unreachable: ${(error as Error).message}`;
  }
}
