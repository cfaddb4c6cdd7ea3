import { randomUUID } from 'node:crypto';
import {
  EventIdConflictError,
  EventStore,
  IdempotencyKeyReusedError,
  InvalidAppendError,
  NewEvent,
  openEventStore,
  RecordedEvent,
  Upcaster,
  WrongExpectedRevisionError,
} from '@kring/event-store';
import { collect } from '../support/collect';
import { clockPasses, eventually } from '../support/eventually';
import { describeOn, FreshStore, itUnless, StoreTarget } from '../support/targets';
import { runCrashTest } from './crash-test';
import { runConcurrencyTest } from './concurrency-test';

const upcasters: Upcaster[] = [
  // v1 {name} → v2 {fullName}; v2 → v3 adds a default: a chain, applied on every read path.
  { type: 'ContractRenamed', fromVersion: 1, upcast: (data) => ({ fullName: data.name }) },
  { type: 'ContractRenamed', fromVersion: 2, upcast: (data) => ({ ...data, language: 'nl' }) },
];

const event = (type: string, data: Record<string, string | number> = {}): NewEvent => ({ id: randomUUID(), type, data });

/** The behaviour every adapter of the EventStore port must show, run once per adapter. */
export function eventStoreContract(target: StoreTarget): void {
  describeOn(target, 'EventStore contract', () => {
    let fresh: FreshStore;
    let store: EventStore;
    const stream = (name: string) => `${name}-${randomUUID()}`;

    beforeAll(async () => {
      // From scratch: opening an empty directory (initialising and migrating it) is part of the contract.
      fresh = await target.fresh('contract', { fromScratch: true });
      store = await openEventStore({ ...fresh.config, upcasters });
    });
    afterAll(async () => {
      await store?.close();
      await fresh?.dispose();
    });

    it(`runs on the ${target.adapter} adapter`, () => {
      expect(store.adapter).toBe(target.adapter);
    });

    describe('append and read a stream', () => {
      it('records every field of an event', async () => {
        const id = stream('fields');
        const before = Date.now();
        const metadata = { correlationId: 'c-1', causationId: 'k-1', commandId: 'cmd-1', actorId: 'coach-1', actorRoles: ['FACILITATOR'] };
        const eventId = randomUUID();
        const result = await store.appendToStream(
          id,
          [{ id: eventId, type: 'NetworkStarted', version: 2, data: { name: 'Baarn' }, metadata }],
          {
            expectedRevision: 'no_stream',
          },
        );
        expect(result).toEqual({ nextExpectedRevision: 0n, position: expect.any(BigInt), duplicate: false });
        const [read] = await collect(store.readStream(id));
        expect(read).toEqual({
          id: eventId,
          streamId: id,
          type: 'NetworkStarted',
          version: 2,
          data: { name: 'Baarn' },
          metadata,
          recordedAt: expect.any(Date),
          streamRevision: 0n,
          position: result.position,
        });
        expect(read.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(read.recordedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      });

      it('reads forwards and backwards from a revision, with a maximum count', async () => {
        const id = stream('directions');
        for (let n = 0; n < 5; n++) await store.appendToStream(id, [event('Counted', { n })]);
        const revisions = (events: RecordedEvent[]) => events.map((e) => Number(e.streamRevision));
        expect(revisions(await collect(store.readStream(id)))).toEqual([0, 1, 2, 3, 4]);
        expect(revisions(await collect(store.readStream(id, { fromRevision: 2n })))).toEqual([2, 3, 4]);
        expect(revisions(await collect(store.readStream(id, { fromRevision: 1n, maxCount: 2 })))).toEqual([1, 2]);
        expect(revisions(await collect(store.readStream(id, { direction: 'backwards' })))).toEqual([4, 3, 2, 1, 0]);
        expect(revisions(await collect(store.readStream(id, { direction: 'backwards', fromRevision: 3n, maxCount: 2 })))).toEqual([3, 2]);
        expect(await collect(store.readStream(stream('never-written')))).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it('appends when the expected revision matches, and moves it on', async () => {
        const id = stream('exact');
        const first = await store.appendToStream(id, [event('A')], { expectedRevision: 'no_stream' });
        const second = await store.appendToStream(id, [event('B'), event('C')], { expectedRevision: first.nextExpectedRevision });
        expect(second.nextExpectedRevision).toBe(2n);
        await store.appendToStream(id, [event('D')], { expectedRevision: 'stream_exists' });
        await store.appendToStream(id, [event('E')], { expectedRevision: 'any' });
        expect((await collect(store.readStream(id))).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
      });

      it.each([
        ['an exact revision that is behind', 0n, 1n],
        ['an exact revision that is ahead', 5n, 1n],
        ['no_stream on an existing stream', 'no_stream' as const, 1n],
      ])('refuses %s with a typed conflict and writes nothing', async (_, expected, actual) => {
        const id = stream('conflict');
        await store.appendToStream(id, [event('A'), event('B')]);
        const head = await store.headPosition();
        const attempt = store.appendToStream(id, [event('Late')], { expectedRevision: expected });
        await expect(attempt).rejects.toThrow(WrongExpectedRevisionError);
        await expect(attempt).rejects.toMatchObject({ streamId: id, expected, actual });
        expect(await store.headPosition()).toBe(head);
        expect((await collect(store.readStream(id))).map((e) => e.type)).toEqual(['A', 'B']);
      });

      it('refuses stream_exists and an exact revision on a stream that does not exist', async () => {
        const id = stream('missing');
        await expect(store.appendToStream(id, [event('A')], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
          actual: 'no_stream',
        });
        await expect(store.appendToStream(id, [event('A')], { expectedRevision: 0n })).rejects.toThrow(WrongExpectedRevisionError);
        expect(await collect(store.readStream(id))).toEqual([]);
      });

      it('lets exactly one of two concurrent appends with the same expected revision win', async () => {
        const id = stream('race');
        await store.appendToStream(id, [event('A')]);
        const outcomes = await Promise.allSettled(
          ['left', 'right'].map((side) => store.appendToStream(id, [event(side), event(side)], { expectedRevision: 0n })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const [loser] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(loser.reason).toBeInstanceOf(WrongExpectedRevisionError);
        const types = (await collect(store.readStream(id))).map((e) => e.type);
        expect(types).toHaveLength(3);
        expect(new Set(types.slice(1)).size).toBe(1);
      });
    });

    describe('idempotency', () => {
      it('writes nothing when the same events are appended again, and answers the first result', async () => {
        const id = stream('retry');
        const batch = [event('A'), event('B')];
        const first = await store.appendToStream(id, batch, { expectedRevision: 'no_stream' });
        await store.appendToStream(id, [event('C')]);
        const head = await store.headPosition();
        // A client retrying after a lost answer sends its original expected revision, now stale.
        const retry = await store.appendToStream(id, batch, { expectedRevision: 'no_stream' });
        expect(retry).toEqual({ ...first, duplicate: true });
        expect(await store.headPosition()).toBe(head);
        expect((await collect(store.readStream(id))).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('answers a one-event append made again with the first result, alone or beside other appends', async () => {
        const id = stream('retry-one');
        const once = event('A');
        await store.appendToStream(id, [event('Before')]);
        const first = await store.appendToStream(id, [once], { expectedRevision: 0n });
        await store.appendToStream(id, [event('After')]);
        expect(await store.appendToStream(id, [once], { expectedRevision: 0n })).toEqual({ ...first, duplicate: true });
        // Appended at once, so that stores which commit appends together may put them in one commit.
        const [, again, other] = await Promise.all([
          store.appendToStream(stream('beside'), [event('B')]),
          store.appendToStream(id, [once], { expectedRevision: 0n }),
          store.appendToStream(stream('beside'), [event('C')]),
        ]);
        expect(again).toEqual({ ...first, duplicate: true });
        expect(other.duplicate).toBe(false);
        expect((await collect(store.readStream(id))).map((e) => e.type)).toEqual(['Before', 'A', 'After']);
      });

      it('refuses an append that repeats only some stored ids, and writes nothing', async () => {
        const id = stream('partial');
        const stored = event('A');
        await store.appendToStream(id, [stored]);
        await expect(store.appendToStream(id, [stored, event('B')])).rejects.toThrow(EventIdConflictError);
        expect(await collect(store.readStream(id))).toHaveLength(1);
      });

      it('keeps ids per stream: the same id may appear in another stream', async () => {
        const shared = randomUUID();
        await store.appendToStream(stream('one'), [{ id: shared, type: 'A', data: {} }]);
        const other = await store.appendToStream(stream('two'), [{ id: shared, type: 'A', data: {} }]);
        expect(other.duplicate).toBe(false);
      });
    });

    describe('idempotency keys', () => {
      const keyed = (key: string, fingerprint = 'request-a') => ({ idempotencyKey: { key, fingerprint } });

      it('answers the same request again with the first result, writing nothing, whatever the stream looks like now', async () => {
        const id = stream('keyed');
        const key = `key-${randomUUID()}`;
        const first = await store.appendToStream(id, [event('Keyed')], { expectedRevision: 'no_stream', ...keyed(key) });
        await store.appendToStream(id, [event('Later')]);
        const head = await store.headPosition();
        // A retry with fresh event ids and a stale expected revision: the key decides, not the ids or the revision.
        const again = await store.appendToStream(id, [event('Keyed')], { expectedRevision: 'no_stream', ...keyed(key) });
        expect(again).toEqual({ ...first, duplicate: true });
        expect(await store.headPosition()).toBe(head);
        expect(await store.findIdempotencyKey(key)).toEqual({
          fingerprint: 'request-a',
          streamId: id,
          nextExpectedRevision: first.nextExpectedRevision,
          position: first.position,
        });
        expect(await store.findIdempotencyKey(`never-${randomUUID()}`)).toBeUndefined();
      });

      it('refuses a key used for another request, on this stream or another, writing nothing', async () => {
        const key = `key-${randomUUID()}`;
        const id = stream('keyed');
        await store.appendToStream(id, [event('Keyed')], keyed(key));
        const head = await store.headPosition();
        await expect(store.appendToStream(id, [event('Keyed')], keyed(key, 'request-b'))).rejects.toThrow(IdempotencyKeyReusedError);
        await expect(store.appendToStream(stream('other'), [event('Keyed')], keyed(key))).rejects.toThrow(IdempotencyKeyReusedError);
        expect(await store.headPosition()).toBe(head);
      });

      it('lets exactly one of two concurrent appends with the same key write', async () => {
        const key = `key-${randomUUID()}`;
        const id = stream('race');
        const results = await Promise.all([1, 2].map(() => store.appendToStream(id, [event('Raced')], keyed(key))));
        expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
        expect(await collect(store.readStream(id))).toHaveLength(1);
      });

      it('forgets keys recorded before an instant: the key is new again', async () => {
        const key = `key-${randomUUID()}`;
        const old = stream('old');
        const { position } = await store.appendToStream(old, [event('Keyed')], keyed(key));
        expect(await store.forgetIdempotencyKeys(new Date(Date.now() - 60_000))).toBe(0);
        expect(await store.findIdempotencyKey(key)).toEqual({
          fingerprint: 'request-a',
          streamId: old,
          nextExpectedRevision: 0n,
          position,
        });
        expect(await store.forgetIdempotencyKeys(new Date(Date.now() + 1_000))).toBeGreaterThanOrEqual(1);
        expect(await store.findIdempotencyKey(key)).toBeUndefined();
        expect((await store.appendToStream(stream('new'), [event('Keyed')], keyed(key, 'request-b'))).duplicate).toBe(false);
      });
    });

    describe('atomicity and validation', () => {
      it('gives a multi-event append consecutive revisions and positions', async () => {
        const id = stream('batch');
        const result = await store.appendToStream(id, [event('A'), event('B'), event('C')]);
        const read = await collect(store.readStream(id));
        expect(read.map((e) => e.streamRevision)).toEqual([0n, 1n, 2n]);
        expect(read[2].position).toBe(result.position);
        expect(read[1].position).toBeLessThan(read[2].position);
        expect(read[0].position).toBeLessThan(read[1].position);
        expect(new Set(read.map((e) => e.recordedAt.getTime())).size).toBe(1);
      });

      it('writes none of a batch when one event in it is refused by the database', async () => {
        const id = stream('poisoned');
        const head = await store.headPosition();
        // The third event is refused by the adapter's storage after the first two were taken.
        const batch = [event('A'), event('B'), target.refusedEvent(), event('D')];
        await expect(store.appendToStream(id, batch)).rejects.toThrow(InvalidAppendError);
        expect(await collect(store.readStream(id))).toEqual([]);
        expect(await store.headPosition()).toBe(head);
      });

      it.each([
        ['an empty stream id', '', [{ type: 'A', data: {} }]],
        ['no events', 'ok', []],
        ['a non-UUID id', 'ok', [{ id: 'nope', type: 'A', data: {} }]],
        [
          'an id twice',
          'ok',
          [
            { id: '7f1c7c1e-8d8a-4a4a-9a9a-1a1a1a1a1a1a', type: 'A', data: {} },
            { id: '7f1c7c1e-8d8a-4a4a-9a9a-1a1a1a1a1a1a', type: 'B', data: {} },
          ],
        ],
        ['an empty type', 'ok', [{ type: ' ', data: {} }]],
        ['version 0', 'ok', [{ type: 'A', version: 0, data: {} }]],
        ['array data', 'ok', [{ type: 'A', data: [] as unknown as Record<string, never> }]],
      ])('refuses %s before touching the database', async (_, streamId, events) => {
        const head = await store.headPosition();
        await expect(store.appendToStream(streamId, events as NewEvent[])).rejects.toThrow(InvalidAppendError);
        expect(await store.headPosition()).toBe(head);
      });

      it('refuses a negative expected revision', async () => {
        await expect(store.appendToStream(stream('neg'), [event('A')], { expectedRevision: -1n })).rejects.toThrow(InvalidAppendError);
      });
    });

    describe('the whole log', () => {
      it('reads forwards from a position in batches, optionally by event type, with a maximum count', async () => {
        const head = await store.headPosition();
        const id = stream('log');
        await store.appendToStream(id, [event('Kept'), event('Dropped'), event('Kept'), event('Dropped'), event('Kept')]);
        const all = await collect(store.readAll({ after: head, batchSize: 2 }));
        expect(all.map((e) => e.type)).toEqual(['Kept', 'Dropped', 'Kept', 'Dropped', 'Kept']);
        expect(all.every((e, i) => i === 0 || e.position > all[i - 1].position)).toBe(true);
        const kept = await collect(store.readAll({ after: head, batchSize: 2, eventTypes: ['Kept'] }));
        expect(kept.map((e) => e.position)).toEqual(all.filter((e) => e.type === 'Kept').map((e) => e.position));
        expect(await collect(store.readAll({ after: head, maxCount: 3 }))).toHaveLength(3);
        expect(await collect(store.readAll({ after: all[4].position }))).toEqual([]);
        expect(await store.headPosition()).toBe(all[4].position);
      });
    });

    describe('upcasting', () => {
      it('upcasts old versions on every read path, and leaves the current version alone', async () => {
        const id = stream('upcast');
        const head = await store.headPosition();
        await store.appendToStream(id, [
          { type: 'ContractRenamed', version: 1, data: { name: 'Ans' } },
          { type: 'ContractRenamed', version: 2, data: { fullName: 'Bert' } },
          { type: 'ContractRenamed', version: 3, data: { fullName: 'Cor', language: 'en' } },
        ]);
        const expected = [
          { version: 3, data: { fullName: 'Ans', language: 'nl' } },
          { version: 3, data: { fullName: 'Bert', language: 'nl' } },
          { version: 3, data: { fullName: 'Cor', language: 'en' } },
        ];
        const shape = (events: RecordedEvent[]) => events.map(({ version, data }) => ({ version, data }));
        expect(shape(await collect(store.readStream(id)))).toEqual(expected);
        expect(shape(await collect(store.readStream(id, { direction: 'backwards' }))).reverse()).toEqual(expected);
        expect(shape(await collect(store.readAll({ after: head })))).toEqual(expected);
        const subscription = store.subscribeToAll({ after: head });
        const seen: RecordedEvent[] = [];
        for await (const e of subscription) {
          seen.push(e);
          if (seen.length === 3) break;
        }
        expect(shape(seen)).toEqual(expected);
      });
    });

    describe('following the head and looking back in time', () => {
      it('waitForHead wakes on an append, and answers the unchanged head when the time runs out', async () => {
        const head = await store.headPosition();
        const started = Date.now();
        expect(await store.waitForHead(head, 150)).toBe(head);
        expect(Date.now() - started).toBeGreaterThanOrEqual(140);

        // Had the append not woken it, it would answer the old head when its (day-long) time ran out.
        const woken = store.waitForHead(head, 86_400_000);
        const { position } = await store.appendToStream(stream('wake'), [event('Woke')]);
        expect(await woken).toBe(position);
        expect(await store.waitForHead(head, 86_400_000)).toBe(position);
      });

      it('positionAt names the last event recorded at or before an instant', async () => {
        const before = new Date(Date.now() - 1);
        const headBefore = await store.positionAt(before);
        const then = stream('then');
        const first = await store.appendToStream(then, [event('Then')]);
        const [recorded] = await collect(store.readStream(then));
        await clockPasses(recorded.recordedAt);
        const second = await store.appendToStream(stream('now'), [event('Now')]);
        expect(await store.positionAt(recorded.recordedAt)).toBe(first.position);
        expect(await store.positionAt(new Date(recorded.recordedAt.getTime() - 1))).toBeLessThan(first.position);
        expect(await store.positionAt(before)).toBe(headBefore);
        expect(await store.positionAt(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(second.position);
        expect(await store.positionAt(new Date(0))).toBe(0n);
      });
    });

    describe('subscriptions', () => {
      it('catches up, follows live appends, resumes from a checkpoint and stops on close', async () => {
        const id = stream('follow');
        const head = await store.headPosition();
        await store.appendToStream(id, [event('Before', { n: 1 }), event('Before', { n: 2 })]);
        const subscription = store.subscribeToAll({ after: head, eventTypes: ['Before', 'Live'] });
        const seen: RecordedEvent[] = [];
        const done = (async () => {
          for await (const e of subscription) seen.push(e);
        })();
        await eventually('two events arrived', () => seen.length === 2);
        await store.appendToStream(stream('unrelated'), [event('Ignored')]);
        await store.appendToStream(id, [event('Live', { n: 3 })]);
        await eventually('the live event arrived', () => seen.length === 3);
        await subscription.close();
        await done;
        expect(seen.map((e) => e.data.n)).toEqual([1, 2, 3]);

        const resumed = store.subscribeToAll({ after: seen[1].position, eventTypes: ['Before', 'Live'] });
        const next = await resumed[Symbol.asyncIterator]().next();
        expect(next.value).toEqual(seen[2]);
        await resumed.close();
      });

      // Only a server can have a second writer on the same log: PGlite refuses a second opener by design.
      const onlyWithSharedLog = itUnless(target.adapter === 'pglite' ? 'PGlite has one writer per data directory' : undefined);
      onlyWithSharedLog('delivers an append made by another store instance through the live notification', async () => {
        const other = await openEventStore(fresh.config);
        try {
          const head = await store.headPosition();
          // A day without a notification: only the live notification can deliver within the test's time.
          const subscription = store.subscribeToAll({ after: head, idlePollMs: 86_400_000 });
          const first = subscription[Symbol.asyncIterator]().next();
          await eventually('the subscription has read the log and waits', () => subscription.caughtUp);
          await other.appendToStream(stream('elsewhere'), [event('FromAfar')]);
          expect((await first).value.type).toBe('FromAfar');
          await subscription.close();
        } finally {
          await other.close();
        }
      });
    });

    describe('tamper evidence: anchors', () => {
      it('a verification against an anchor holds while the log is unchanged, and names the anchor when its hash differs', async () => {
        await store.appendToStream(stream('anchored'), [event('Anchored')]);
        const anchor = await store.chainHead();
        expect(anchor).toEqual({ position: await store.headPosition(), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect((await store.verifyIntegrity({ anchor })).broken).toBeUndefined();
        // A link kept elsewhere that the log no longer produces: the log up to there is not what it was.
        const forged = { position: anchor.position, hash: anchor.hash.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
        expect((await store.verifyIntegrity({ anchor: forged })).broken).toEqual({
          position: anchor.position,
          problem: expect.stringContaining('anchored'),
        });
      });
    });

    it('concurrency: 8 writers on random streams while a subscriber follows; it sees every event once, in order, without gaps', async () => {
      await runConcurrencyTest(store, { writers: 8, seconds: Number(process.env.KRING_CONTRACT_SECONDS ?? 4) });
      // Concurrent appends take their turn, so their hashes form one unbroken chain.
      const integrity = await store.verifyIntegrity();
      expect(integrity.broken).toBeUndefined();
      expect(integrity.checked).toBe((await collect(store.readAll())).length);
      if (target.gapFreePositions) expect(integrity.checked).toBe(Number(await store.headPosition()));
    });

    it('crash: a writer killed with SIGKILL loses no acknowledged append', async () => {
      await runCrashTest(target);
    });
  });
}
