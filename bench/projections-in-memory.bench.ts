/**
 * npm run bench:apply [-- --events 200000 --rounds 3 --profile]
 *
 * The projections' own code alone: the realistic log is read into memory once (from a scratch
 * PostgreSQL database), then every projection is applied to it in memory, nothing written, several
 * rounds. Target (issue 14): >= 1,000,000 events/s. The figure is one pass over the log for all
 * projections (ProjectionsInMemory, as `kring replay` runs them). Beside it, each round applies one
 * projection at a time, as the engine's lanes do, and prints per projection the time to check its
 * events against their schemas and the time of its evolve functions; and it times one bare pass over
 * the log that reads only each event's type: what each extra pass costs before any projection code
 * runs (the events are spread over a large heap; reading them is memory-bound); and the time to allocate
 * as many bare objects as the pass kept documents: the part of the figure that is the machine's allocator.
 * `--profile` adds the rounds' CPU by function (V8's profiler, which slows them a little).
 */
import { parseArgs } from 'node:util';
import { applyEvents, asProjected, type DocumentTables, handles, ProjectionsInMemory, type StoredEvent } from '@kring/domain';
import { openEventStore } from '@kring/event-store';
import { PROJECTIONS } from '@kring/domain';
import { generateRealisticLog } from '../test/support/realistic-log';
import { postgresTarget } from '../test/support/targets';
import { functionOf, logCpuBy, profiling } from './profile';
import { log, logFigure, perSec } from './support';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
  },
});

async function realisticLog(): Promise<StoredEvent[]> {
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
  return events;
}

/** A round's figures: events/s in one pass and one projection at a time, and the documents' allocation alone. */
interface Rates {
  together: number;
  oneAtATime: number;
  allocateMs: number;
}

/** One round: all projections in one pass, then one at a time; logs its parts and returns both rates. */
function applyRound(round: number, events: readonly StoredEvent[]): Rates {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const all = new ProjectionsInMemory(PROJECTIONS);
  for (const event of events) all.apply(event);
  const togetherMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);

  const parts: Record<string, { events: number; checkMs: number; applyMs: number }> = {};
  const separately = performance.now();
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
  const separateMs = performance.now() - separately;
  // What the documents alone cost: as many small objects as the pass kept, each set in a Map under a key
  // it used, nothing computed. Allocation that survives is dear on some machines (fresh pages for the collector).
  const tables = [...all.tables.values()].flatMap((documents) => Object.values(documents));
  const allocating = performance.now();
  let allocated = 0;
  for (const table of tables) {
    const bare = new Map<string, object>();
    for (const key of table.keys()) bare.set(key, { a: allocated, b: allocated, c: allocated, d: allocated, e: allocated, f: allocated++ });
  }
  const allocateMs = performance.now() - allocating;
  // What each extra pass over the log costs before any projection code runs.
  const passing = performance.now();
  let matched = 0;
  for (const event of events) if (event.type === 'MeetingHeld') matched++;
  const passMs = performance.now() - passing;
  // CPU beside wall time: more CPU than wall is the collector's threads; less is time this process waited for the machine.
  log(
    `round ${round}: one pass ${perSec(events.length, togetherMs)} events/s (wall ${Math.round(togetherMs)} ms, CPU ${Math.round((user + system) / 1000)} ms); ` +
      `one projection at a time ${perSec(events.length, separateMs)} events/s (${Math.round(separateMs)} ms); ` +
      `${allocated} documents kept, allocating as many bare objects into tables like theirs ${allocateMs.toFixed(1)} ms; ` +
      `a bare pass reading each event's type ${passMs.toFixed(1)} ms (${matched} meetings)  ${JSON.stringify(parts)}`,
  );
  return { together: perSec(events.length, togetherMs), oneAtATime: perSec(events.length, separateMs), allocateMs };
}

async function main(): Promise<void> {
  const events = await realisticLog();
  const rounds = async () => Array.from({ length: Number(args.rounds) }, (_, i) => applyRound(i + 1, events));
  let rates: Rates[];
  if (args.profile) {
    const { result, profile } = await profiling(rounds);
    logCpuBy(profile, functionOf, { figure: 'CPU of the rounds, by function' }, 30);
    rates = result;
  } else rates = await rounds();
  const best = Math.max(...rates.map((rate) => rate.together));
  logFigure({
    figure: 'projections applied in memory',
    value: best,
    unit: 'events/s',
    target: { op: '>=', bound: 1_000_000 },
    details: {
      events: events.length,
      oneProjectionAtATimeEventsPerSec: Math.max(...rates.map((rate) => rate.oneAtATime)),
      // The fastest round's bare allocation of as many documents: what this machine charges before any projection code runs.
      documentsAllocationMs: Math.round(Math.min(...rates.map((rate) => rate.allocateMs))),
    },
  });
}

main().catch((error: Error) => {
  process.stderr.write(`bench:apply failed: ${error.stack}\n`);
  process.exit(1);
});
