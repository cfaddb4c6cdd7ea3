/**
 * docker-compose.yml validates and holds the topology the README describes. Checked with Debian's
 * docker-compose, which reads and interpolates the file without a container engine (none runs here;
 * `.ci/run` installs the package when it is missing, so in CI this always runs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { itUnless } from '../support/targets';

const ROOT = join(__dirname, '../..');
const found = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
const missing = found.status === 0 ? undefined : 'docker-compose is not installed (apt-get install docker-compose)';
if (missing && process.env.CI === 'true') throw new Error(`${missing}: CI must check the compose file`);
const withCompose = itUnless(missing);

const SECRETS = { KRING_AUTH_SECRET: 'a-secret-of-twenty-chars', KRING_MASTER_KEY: 'k'.repeat(32) };

function compose(args: string[], env: Record<string, string | undefined>) {
  const clean = { ...process.env, KRING_AUTH_SECRET: undefined, KRING_MASTER_KEY: undefined, KRING_EVENT_STORE: undefined, ...env };
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: ROOT, encoding: 'utf8', env: clean });
}

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  withCompose('validates, and refuses to start without the secrets, naming the one missing', async () => {
    expect(compose(['config', '-q'], SECRETS).status).toBe(0);
    const refused = compose(['config', '-q'], { KRING_MASTER_KEY: SECRETS.KRING_MASTER_KEY });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('set KRING_AUTH_SECRET');
  });

  withCompose(
    'runs EventStoreDB (one node, or three in the cluster profile), PostgreSQL, two API replicas and a projector with a standby, each with a health check',
    async () => {
      const { services } = parse(
        execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { ...process.env, ...SECRETS, KRING_EVENT_STORE: '' },
        }),
      ) as { services: Record<string, Service> };
      expect(Object.keys(services).sort()).toEqual(
        ['api-1', 'api-2', 'esdb-1', 'esdb-2', 'esdb-3', 'eventstoredb', 'postgres', 'projector', 'projector-standby'].sort(),
      );
      for (const [name, service] of Object.entries(services))
        expect({ name, healthcheck: service.healthcheck?.test.length }).toEqual({ name, healthcheck: expect.any(Number) });
      for (const node of ['esdb-1', 'esdb-2', 'esdb-3']) {
        expect(services[node].profiles).toEqual(['cluster']);
        expect(services[node].environment).toMatchObject({
          KURRENTDB_CLUSTER_SIZE: '3',
          KURRENTDB_GOSSIP_SEED: 'esdb-1:2113,esdb-2:2113,esdb-3:2113',
        });
      }
      expect(services.eventstoredb.profiles).toBeUndefined();

      // The API replicas and the projector: one image built from the repository's Dockerfile.
      const kring = ['api-1', 'api-2', 'projector', 'projector-standby'].map((name) => services[name]);
      for (const service of kring) {
        expect(service.build).toEqual({ context: ROOT });
        expect(service.environment).toMatchObject({
          KRING_EVENT_STORE: 'esdb://eventstoredb:2113?tls=false',
          KRING_DATABASE_URL: 'postgres://kring:kring@postgres:5432/kring',
          ...SECRETS,
        });
        expect(service.depends_on?.postgres.condition).toBe('service_healthy');
      }
      expect(services['api-1'].environment?.KRING_PROJECTIONS).toBe('off');
      expect(services['api-2'].environment?.KRING_PROJECTIONS).toBe('off');
      // The projector's command is the entry the build writes, the same one `npm run projector` runs.
      const entry = /built\('projector', '([^']+)'\)/.exec(readFileSync(join(ROOT, 'bin/projector.js'), 'utf8'))![1];
      expect(services.projector.command).toEqual(['node', entry]);
      expect(services['projector-standby'].command).toEqual(['node', entry]);
      const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
      expect(dockerfile).toContain('nest build projector');
      const apiEntry = /built\('api', '([^']+)'\)/.exec(readFileSync(join(ROOT, 'bin/start.js'), 'utf8'))![1];
      expect(dockerfile).toContain(`CMD ["node", "${apiEntry}"]`);
    },
  );
});
