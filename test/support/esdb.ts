import type { StartedTestContainer } from 'testcontainers';

/** KurrentDB (EventStoreDB's current name) in its insecure single-node form, the one testcontainers starts. */
export const ESDB_IMAGE = 'kurrentplatform/kurrentdb:26.1.1';
const HTTP_PORT = 2113;

/**
 * Where the EventStoreDB contract suite runs: KRING_TEST_ESDB_URL when set, else a container that
 * testcontainers starts when it finds a container engine. Without either the suite is skipped, with
 * the reason in its title; it is never run against a stand-in.
 */
export async function eventStoreDbForTests(): Promise<{ url: string; container?: StartedTestContainer } | { skipReason: string }> {
  const given = process.env.KRING_TEST_ESDB_URL?.trim();
  if (given) return { url: given };
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    return {
      skipReason: `no container engine for testcontainers (${(error as Error).message}) and KRING_TEST_ESDB_URL is unset`,
    };
  }
  const container = await new GenericContainer(ESDB_IMAGE)
    .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_MEM_DB: 'true', KURRENTDB_RUN_PROJECTIONS: 'None' })
    .withExposedPorts(HTTP_PORT)
    .withWaitStrategy(Wait.forHttp('/health/live', HTTP_PORT).forStatusCode(204))
    .withStartupTimeout(120_000)
    .start();
  return { url: `esdb://${container.getHost()}:${container.getMappedPort(HTTP_PORT)}?tls=false`, container };
}
