import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.KRING_TEST_PGLITE_TEMPLATE;
  if (template) await rm(template, { recursive: true, force: true });
}
