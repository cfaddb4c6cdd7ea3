/**
 * Child process of the projection crash test: runs every projection from the start of the log in small
 * batches and prints each committed checkpoint, until the test kills it with SIGKILL mid-catch-up.
 */
import { eventStoreConfigFromEnv, openEventStoreWithSql } from '@kring/event-store';
import { ProjectionEngine } from '@kring/projections';
import { PROJECTIONS } from '@kring/domain';

async function main(): Promise<void> {
  const { store, sql } = await openEventStoreWithSql(eventStoreConfigFromEnv());
  const engine = new ProjectionEngine(store, sql, PROJECTIONS, {
    batchSize: 100,
    commitEvery: 100,
    onBatch: ({ name, checkpoint }) => process.stdout.write(`APPLIED ${name} ${checkpoint}\n`),
  });
  await engine.start();
  process.stdout.write('READY\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
