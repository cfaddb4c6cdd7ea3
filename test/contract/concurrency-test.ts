import { randomUUID } from 'node:crypto';
import { EventStore, RecordedEvent, WrongExpectedRevisionError } from '@kring/event-store';
import { collect } from '../support/collect';
import { eventually } from '../support/eventually';

interface ConcurrencyOptions {
  writers: number;
  seconds: number;
}

/**
 * Writers append for `seconds` to random streams, half with 'any' and half with the exact revision
 * they just read (so optimistic conflicts happen), while one subscriber follows the log live.
 * Afterwards the subscriber must have seen every acknowledged event exactly once, in position
 * order, and exactly what a final full read of the log returns.
 */
export async function runConcurrencyTest(store: EventStore, { writers, seconds }: ConcurrencyOptions): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const streams = Array.from({ length: 16 }, (_, k) => `concurrency-${run}-${k}`);
  const start = await store.headPosition();
  const acknowledged = new Set<string>();
  let appends = 0;
  let conflicts = 0;

  const received: RecordedEvent[] = [];
  const subscription = store.subscribeToAll({ after: start });
  const following = (async () => {
    for await (const event of subscription) received.push(event);
  })();

  const deadline = Date.now() + seconds * 1000;
  const writer = async (w: number) => {
    for (let n = 0; Date.now() < deadline; n++) {
      const streamId = streams[Math.floor(Math.random() * streams.length)];
      const events = Array.from({ length: 1 + Math.floor(Math.random() * 4) }, (_, i) => ({
        id: randomUUID(),
        type: 'ConcurrencyTested',
        data: { writer: w, n, i },
      }));
      let expectedRevision: 'any' | 'no_stream' | bigint = 'any';
      if (n % 2 === 1) {
        const [last] = await collect(store.readStream(streamId, { direction: 'backwards', maxCount: 1 }));
        expectedRevision = last ? last.streamRevision : 'no_stream';
      }
      try {
        await store.appendToStream(streamId, events, { expectedRevision });
        appends++;
        for (const event of events) acknowledged.add(event.id);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        conflicts++;
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  const receivedWhileWriting = received.length;

  const finalHead = await store.headPosition();
  await eventually('the subscription reached the head', () => (received.at(-1)?.position ?? start) >= finalHead, 15_000);
  await subscription.close();
  await following;

  const fullRead = await collect(store.readAll({ after: start }));

  console.info(
    `[${store.adapter}] concurrency: ${writers} writers, ${seconds}s, ${appends} appends, ${acknowledged.size} events, ` +
      `${conflicts} revision conflicts, ${receivedWhileWriting} delivered live while writing`,
  );
  expect(appends).toBeGreaterThan(writers * 10);
  expect(conflicts).toBeGreaterThan(0);
  expect(receivedWhileWriting).toBeGreaterThan(0);

  // In position order, each once: strictly increasing positions.
  for (let i = 1; i < received.length; i++) expect(received[i].position > received[i - 1].position).toBe(true);
  // No gap and nothing extra: exactly the final full read, and exactly what writers were told was stored.
  expect(received.map((e) => e.id)).toEqual(fullRead.map((e) => e.id));
  expect(new Set(fullRead.map((e) => e.id))).toEqual(acknowledged);
  // Every stream's revisions are 0..n-1 with no hole: appends under contention never interleaved badly.
  const byStream = new Map<string, bigint[]>();
  for (const event of fullRead) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event.streamRevision]);
  for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
}
