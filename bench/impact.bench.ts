/**
 * npm run bench:impact [-- --events 1000000 --adapters pglite,postgres]
 *
 * Per store: generates a realistic log (test/support/realistic-log.ts), then in the same run reads the
 * whole log through the port (the raw read-all rate) and computes `kring impact` over it (read and
 * fold, by method), against a target of >= 0.5 of read-all; then the whole HTML report as `kring impact
 * --format html` makes it (read, fold, a report per month, charts drawn). Prints progress, then one JSON
 * line per figure (see logFigure).
 */
import { parseArgs } from 'node:util';
import { openEventStore } from '@kring/event-store';
import { impactOfLog } from '../apps/api/src/impact/impact-of-log';
import { impactOptions, impactText, logOf } from '../apps/cli/src/impact-command';
import { generateRealisticLog } from '../test/support/realistic-log';
import { pgliteTarget, postgresTarget, StoreTarget } from '../test/support/targets';
import { type Figure, log, logFigure, perSec } from './support';

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '1000000' }, adapters: { type: 'string', default: 'pglite,postgres' } },
});
const EVENTS = Number(args.events);

async function benchStore(target: StoreTarget): Promise<Figure[]> {
  const fresh = await target.fresh('bench-impact');
  const store = await openEventStore(fresh.config);
  try {
    log(`\n== ${target.adapter}: generating a log of ${EVENTS} events`);
    const total = await generateRealisticLog(store, EVENTS);
    const readStarted = performance.now();
    let read = 0;
    for await (const _ of store.readAll({ batchSize: 5000 })) read++;
    const readAllMs = performance.now() - readStarted;
    log(`read-all through the port      ${perSec(read, readAllMs)} events/s`);
    const impactStarted = performance.now();
    const report = await impactOfLog(store, { from: '2021-01-01', to: '2023-12-31', by: 'method' });
    const impactMs = performance.now() - impactStarted;
    log(
      `impact over the whole log      ${perSec(total, impactMs)} events/s (${(impactMs / readAllMs).toFixed(2)}x read-all's time; target: rate >= 0.5 of read-all)`,
    );
    log(`  ${report.total.networks} networks, ${report.total.meetings} meetings, ${report.total.membersAtEnd} members at the end`);
    const htmlStarted = performance.now();
    const html = await impactText(await logOf(store), impactOptions({ by: 'method', format: 'html' }));
    const htmlMs = performance.now() - htmlStarted;
    log(`the HTML report (whole log)    ${perSec(total, htmlMs)} events/s, ${(htmlMs / 1000).toFixed(1)} s, ${html.length} bytes`);
    const adapter = target.adapter;
    const readAll = { name: 'read-all through the port', value: perSec(read, readAllMs) };
    return [
      {
        figure: readAll.name,
        adapter,
        value: readAll.value,
        unit: 'events/s',
        details: { events: total, seconds: Number((readAllMs / 1000).toFixed(1)) },
      },
      {
        figure: 'kring impact over the whole log',
        adapter,
        value: perSec(total, impactMs),
        unit: 'events/s',
        yardstick: readAll,
        target: { op: '>=', bound: 0.5 },
        details: { seconds: Number((impactMs / 1000).toFixed(1)) },
      },
      {
        figure: 'the HTML report over the whole log',
        adapter,
        value: perSec(total, htmlMs),
        unit: 'events/s',
        yardstick: readAll,
        details: { seconds: Number((htmlMs / 1000).toFixed(1)), bytes: html.length },
      },
    ];
  } finally {
    await store.close();
    await fresh.dispose();
  }
}

async function main(): Promise<void> {
  const targets = { pglite: pgliteTarget, postgres: postgresTarget };
  const figures: Figure[] = [];
  for (const name of args.adapters!.split(',')) figures.push(...(await benchStore(targets[name as keyof typeof targets])));
  for (const figure of figures) logFigure(figure);
}

main().catch((error: Error) => {
  process.stderr.write(`bench:impact failed: ${error.stack}\n`);
  process.exit(1);
});
