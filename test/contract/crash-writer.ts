/**
 * Child process of the crash test: appends in a loop and prints one line per acknowledged append.
 * Its streams are named after KRING_TEST_CRASH_RUN: a shared server (EventStoreDB) holds other runs' too.
 * On Linux a write to a pipe is synchronous, so every printed line was acknowledged before any kill.
 */
import { randomUUID } from 'node:crypto';
import { eventStoreConfigFromEnv, openEventStore } from '@kring/event-store';
import { crashEventData } from './crash-data';

async function main(): Promise<void> {
  const store = await openEventStore(eventStoreConfigFromEnv());
  process.stdout.write('READY\n');
  for (let n = 0; ; n++) {
    const streamId = `${process.env.KRING_TEST_CRASH_RUN ?? 'crash'}-${n % 7}`;
    const ids = Array.from({ length: 1 + (n % 3) }, () => randomUUID());
    const result = await store.appendToStream(
      streamId,
      ids.map((id, i) => ({ id, type: 'CrashTested', data: crashEventData(n, i) })),
    );
    process.stdout.write(`ACK ${JSON.stringify({ n, streamId, ids, revision: result.nextExpectedRevision.toString() })}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
