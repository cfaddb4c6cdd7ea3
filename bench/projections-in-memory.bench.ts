/**
 * npm run bench:apply [-- --events 200000 --rounds 3]
 *
 * The projections' own code alone: the realistic log is read into memory once (from a scratch
 * PostgreSQL database), then every projection is applied to it in memory, nothing written, several
 * rounds. Target (issue 14): >= 1,000,000 events/s. Prints, per projection, the time to check events
 * against their schemas and the time of its evolve functions, so it shows where the time goes; then one
 * JSON line for the whole. Each round also times one bare pass over the log that reads only each
 * event's type: six projections filter the log six times, so six such passes are time no evolve
 * function can win back (the events are spread over a large heap; reading them is memory-bound).
 */
import { parseArgs } from 'node:util';
import { applyEvents, asProjected, type DocumentTables, handles, type StoredEvent } from '@kring/domain';
import { openEventStore } from '@kring/event-store';
import { PROJECTIONS } from '@kring/domain';
import { generateRealisticLog } from '../test/support/realistic-log';
import { postgresTarget } from '../test/support/targets';
import { log, perSec } from './support';

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '3' } },
});

async function main(): Promise<void> {
  const fresh = await postgresTarget.fresh('bench-apply');
  const store = await openEventStore(fresh.config);
  const events: StoredEvent[] = [];
  try {
    await generateRealisticLog(store, Number(args.events));
    for await (const event of store.readAll({ batchSize: 5000 })) events.push(event);
  } finally {
    await store.close();
    await fresh.dispose();
  }
  const rates: number[] = [];
  for (let round = 1; round <= Number(args.rounds); round++) {
    const parts: Record<string, { events: number; checkMs: number; applyMs: number }> = {};
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (const projection of PROJECTIONS) {
      const checking = performance.now();
      const own = events.filter((event) => handles(projection, event.type)).map((event) => asProjected(projection, event));
      const applying = performance.now();
      applyEvents(projection, {} as DocumentTables, own);
      parts[projection.name] = {
        events: own.length,
        checkMs: Math.round(applying - checking),
        applyMs: Math.round(performance.now() - applying),
      };
    }
    const wallMs = performance.now() - started;
    const { user, system } = process.cpuUsage(cpu);
    rates.push(perSec(events.length, wallMs));
    // The floor under the figure: one pass that only reads each event's type, as each projection's filter does.
    const passing = performance.now();
    let matched = 0;
    for (const event of events) if (event.type === 'MeetingHeld') matched++;
    const passMs = performance.now() - passing;
    // CPU beside wall time: more CPU than wall is the collector's threads; less is time this process waited for the machine.
    log(
      `round ${round}: ${rates.at(-1)} events/s, wall ${Math.round(wallMs)} ms, CPU ${Math.round((user + system) / 1000)} ms, ` +
        `one pass reading each event's type ${passMs.toFixed(1)} ms (${matched} meetings)  ${JSON.stringify(parts)}`,
    );
  }
  const best = Math.max(...rates);
  log(
    JSON.stringify({
      figure: 'projections applied in memory',
      events: events.length,
      eventsPerSec: best,
      target: 1_000_000,
      ratio: Number((best / 1_000_000).toFixed(2)),
    }),
  );
}

main().catch((error: Error) => {
  process.stderr.write(`bench:apply failed: ${error.stack}\n`);
  process.exit(1);
});
