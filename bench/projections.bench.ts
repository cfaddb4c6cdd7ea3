/**
 * npm run bench:projections [-- --events 1000000 --adapters pglite,postgres --seconds 5 --profile]
 *
 * Per store: generates a realistic log (test/support/realistic-log.ts: many networks of all four
 * methods, three years of weekly meetings), then measures in the same run
 * - the raw read-all rate: every event of the log read through the port, in batches;
 * - the projections' own code: every event read again and applied to documents in memory, nothing written
 *   (apply time = that pass minus read-all): the floor under any rebuild on this machine;
 * - a full rebuild of all projections from an empty read side (events of the log / wall time until
 *   every projection has caught up), against a target of >= 50% of read-all;
 * - append-to-visible lag while 8 writers record meetings: from the start of the append until the
 *   networks projection has committed it (what a read with `after` waits for); target p99 < 50 ms.
 * Prints progress, then one JSON line per figure (see logFigure). With --profile, the rebuild also prints where this
 * process's CPU went (by group of code and by function), so a missed target shows its cause.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { networksProjection, ProjectionsInMemory } from '@kring/domain';
import { openEventStoreWithSql } from '@kring/event-store';
import { ProjectionEngine } from '@kring/projections';
import { PROJECTIONS } from '@kring/domain';
import { generateRealisticLog, meetingHeld } from '../test/support/realistic-log';
import { pgliteTarget, postgresTarget, StoreTarget } from '../test/support/targets';
import { functionOf, groupOf, logCpuBy, profiling } from './profile';
import { cpuMeter, type Figure, forSeconds, log, logFigure, pct, percentile, perSec } from './support';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    adapters: { type: 'string', default: 'pglite,postgres' },
    seconds: { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
  },
});
const EVENTS = Number(args.events);
const SECONDS = Number(args.seconds);
const WRITERS = 8;

async function benchStore(target: StoreTarget): Promise<Figure[]> {
  const fresh = await target.fresh('bench-projections');
  const { store, sql } = await openEventStoreWithSql(fresh.config);
  let engine: ProjectionEngine | undefined;
  try {
    log(`\n== ${target.adapter}: generating a log of ${EVENTS} events`);
    let shown = 0;
    const generated = performance.now();
    const total = await generateRealisticLog(store, EVENTS, (written) => {
      if (written - shown >= EVENTS / 10) log(`  ${(shown = written)} events written`);
    });
    log(`  ${total} events in ${Math.round((performance.now() - generated) / 1000)} s`);

    const readCpu = cpuMeter();
    const readStarted = performance.now();
    let read = 0;
    for await (const _ of store.readAll({ batchSize: 2000 })) read++;
    const readAllMs = performance.now() - readStarted;
    const readAllPerSec = perSec(read, readAllMs);
    const readAllCpu = readCpu();
    log(`read-all through the port                 ${readAllPerSec} events/s (CPU: ${JSON.stringify(readAllCpu)})`);

    // What the projections' own code costs, without a database write: the floor under any rebuild here.
    const inMemory = new ProjectionsInMemory(PROJECTIONS);
    const applyStarted = performance.now();
    for await (const event of store.readAll({ batchSize: 5000 })) inMemory.apply(event);
    const applyMs = performance.now() - applyStarted - readAllMs;
    log(
      `read-all and apply in memory, no writes   ${perSec(total, applyMs + readAllMs)} events/s (apply alone ${Math.round(applyMs)} ms, read ${Math.round(readAllMs)} ms)`,
    );

    const head = await store.headPosition();
    let progressAt = 0;
    engine = new ProjectionEngine(store, sql, PROJECTIONS, {
      onBatch: ({ name, checkpoint }) => {
        if (name === networksProjection.name && Number(checkpoint) - progressAt >= total / 10)
          log(`  networks projected to ${(progressAt = Number(checkpoint))}`);
      },
    });
    const rebuildCpu = cpuMeter();
    const rebuildStarted = performance.now();
    const rebuilding = async () => {
      await engine!.start();
      await engine!.waitFor(engine!.projections, head, 24 * 3600_000);
    };
    if (args.profile) {
      // Where this process's share of the rebuild goes, by group of code and by function (the profiler adds a little time).
      const { profile } = await profiling(rebuilding);
      logCpuBy(profile, groupOf, { figure: 'rebuild CPU profile, this process, by group', adapter: target.adapter }, 12);
      logCpuBy(profile, functionOf, { figure: 'rebuild CPU profile, this process, by function', adapter: target.adapter }, 25);
    } else await rebuilding();
    const rebuildMs = performance.now() - rebuildStarted;
    const rebuildPerSec = perSec(total, rebuildMs);
    // Where a rebuild's time goes: this process (reading, applying, serialising; PGlite's database too) or PostgreSQL's.
    const rebuildCpuMs = rebuildCpu();
    log(
      `full rebuild of ${engine.projections.length} projections               ${rebuildPerSec} events/s (${pct(rebuildPerSec, readAllPerSec)} of read-all; target >= 50%; wall ${Math.round(rebuildMs)} ms, CPU ${JSON.stringify(rebuildCpuMs)})`,
    );

    const networks = Array.from({ length: WRITERS }, () => randomUUID());
    const lag = await forSeconds(WRITERS, SECONDS, async (writer, n) => {
      const { position } = await store.appendToStream(`network-${networks[writer]}`, [
        meetingHeld(networks[writer], n + 1, '2024-06-01', { attended: [], absent: [] }),
      ]);
      await engine!.waitFor([networksProjection.name], position, 10_000);
    });
    const p50 = percentile(lag.latencies, 50);
    const p99 = percentile(lag.latencies, 99);
    log(`append-to-visible lag, ${WRITERS} writers          p50 ${p50} ms  p99 ${p99} ms (target p99 < 50 ms; ${lag.perSec} appends/s)`);
    const adapter = target.adapter;
    const readAll = { name: 'read-all through the port', value: readAllPerSec };
    return [
      {
        figure: 'read-all through the port',
        adapter,
        value: readAllPerSec,
        unit: 'events/s',
        details: { events: total, seconds: Number((readAllMs / 1000).toFixed(1)), cpuMs: readAllCpu },
      },
      {
        figure: 'projections applied in memory after read-all, nothing written',
        adapter,
        value: perSec(total, applyMs),
        unit: 'events/s',
        details: { seconds: Number((applyMs / 1000).toFixed(1)) },
      },
      {
        figure: 'full rebuild of all projections',
        adapter,
        value: rebuildPerSec,
        unit: 'events/s',
        yardstick: readAll,
        target: { op: '>=', bound: 0.5 },
        details: { events: total, seconds: Number((rebuildMs / 1000).toFixed(1)), cpuMs: rebuildCpuMs },
      },
      { figure: `append-to-visible lag p50, ${WRITERS} writers`, adapter, value: p50, unit: 'ms' },
      {
        figure: `append-to-visible lag p99, ${WRITERS} writers`,
        adapter,
        value: p99,
        unit: 'ms',
        target: { op: '<', bound: 50 },
        details: { appendsPerSec: lag.perSec },
      },
    ];
  } finally {
    await engine?.stop();
    await store.close();
    await fresh.dispose();
  }
}

async function main(): Promise<void> {
  const targets = { pglite: pgliteTarget, postgres: postgresTarget };
  const figures: Figure[] = [];
  for (const adapter of args.adapters.split(',') as Array<keyof typeof targets>) figures.push(...(await benchStore(targets[adapter])));
  log('');
  for (const figure of figures) logFigure(figure);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:projections failed: ${error.stack}\n`);
    process.exit(1);
  },
);
