/**
 * npm run bench:groups [-- --adapters postgres,pglite --groups 200]
 *
 * Where group commit's time goes: the server's cost per append inside one group statement
 * (kring_append_batch), for groups of 1, 8 and 64 appends, on new streams and with exact expected
 * revisions on streams that already hold events, beside one round trip; and the database's own share:
 * many groups called from one statement (one round trip, one commit for all of them), so the figure is
 * the functions' execution alone. One JSON line per figure (see logFigure).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openEventStoreWithSql } from '@kring/event-store';
import { pgliteTarget, postgresTarget } from '../test/support/targets';
import { logFigure } from './support';

const { values: args } = parseArgs({
  options: { adapters: { type: 'string', default: 'postgres,pglite' }, groups: { type: 'string', default: '200' } },
});
const GROUPS = Number(args.groups);
const events = () =>
  JSON.stringify([{ id: randomUUID(), type: 'MeetingHeld', version: 1, data: { networkId: 'n' }, metadata: { actorId: 'c' } }]);

async function benchAdapter(name: 'postgres' | 'pglite') {
  const fresh = await (name === 'postgres' ? postgresTarget : pgliteTarget).fresh('bench-groups');
  const { store, sql } = await openEventStoreWithSql(fresh.config);
  const group = (streams: string[], expected: string[]) =>
    sql.query<{ next_revision: bigint }>('SELECT * FROM kring_append_batch($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])', [
      streams,
      expected,
      streams.map(events),
      streams.map(() => null),
      streams.map(() => null),
    ]);
  /** Ms per append of GROUPS groups called from one statement: no round trip or commit per group, only the functions' work. */
  const insideOneStatement = async (size: number): Promise<number> => {
    const run = randomUUID();
    const begun = performance.now();
    // One event text for all: an event id need only be new in its stream.
    await sql.query(
      `SELECT count(*) FROM generate_series(1, $1::int) AS g,
         LATERAL kring_append_batch(ARRAY(SELECT 'inside-' || $2 || '-' || g || '-' || i FROM generate_series(1, $3::int) AS i),
                                    array_fill('no_stream'::text, ARRAY[$3::int]), array_fill($4::text, ARRAY[$3::int]),
                                    array_fill(NULL::text, ARRAY[$3::int]), array_fill(NULL::text, ARRAY[$3::int]))`,
      [GROUPS, run, size, events()],
    );
    return (performance.now() - begun) / (GROUPS * size);
  };
  try {
    for (let i = 0; i < 100; i++)
      await store.appendToStream(
        `fill-${i}`,
        Array.from({ length: 100 }, () => ({ type: 'Fill', data: {} })),
      );
    const started = performance.now();
    for (let i = 0; i < 1000; i++) await sql.query('SELECT 1');
    logFigure({
      figure: 'round trip (SELECT 1)',
      adapter: name,
      value: Number(((performance.now() - started) / 1000).toFixed(3)),
      unit: 'ms',
    });
    for (const size of [1, 8, 64]) {
      let begun = performance.now();
      for (let g = 0; g < GROUPS; g++) {
        const streams = Array.from({ length: size }, () => `new-${randomUUID()}`);
        await group(
          streams,
          streams.map(() => 'no_stream'),
        );
      }
      const newMs = (performance.now() - begun) / (GROUPS * size);
      const own = Array.from({ length: size }, () => `own-${randomUUID()}`);
      let revisions = (
        await group(
          own,
          own.map(() => 'no_stream'),
        )
      ).map((row) => row.next_revision);
      begun = performance.now();
      for (let g = 0; g < GROUPS; g++) revisions = (await group(own, revisions.map(String))).map((row) => row.next_revision);
      const expectedMs = (performance.now() - begun) / (GROUPS * size);
      const perAppend = (how: string, ms: number) =>
        logFigure({ figure: `append in groups of ${size}, ${how}`, adapter: name, value: Number(ms.toFixed(3)), unit: 'ms per append' });
      perAppend('new streams', newMs);
      perAppend('expected revision', expectedMs);
      perAppend('the database alone (groups called inside one statement)', await insideOneStatement(size));
    }
  } finally {
    await store.close();
    await fresh.dispose();
  }
}

async function main(): Promise<void> {
  for (const name of args.adapters!.split(',') as Array<'postgres' | 'pglite'>) await benchAdapter(name);
}

main().catch((error: Error) => {
  process.stderr.write(`bench:groups failed: ${error.stack}\n`);
  process.exit(1);
});
