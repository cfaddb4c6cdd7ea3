import { rm } from 'node:fs/promises';
import type { StartedTestContainer } from 'testcontainers';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.KRING_TEST_PGLITE_TEMPLATE;
  if (template) await rm(template, { recursive: true, force: true });
  await (globalThis as { kringEsdbContainer?: StartedTestContainer }).kringEsdbContainer?.stop();
}
