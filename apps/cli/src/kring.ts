/**
 * The kring command line, for auditors and operators, on the store the API uses (KRING_DATA_DIR or
 * KRING_DATABASE_URL, as for `npm start`):
 *
 *   npm run kring -- verify-access-log [--anchor <position>:<hash>] [--json]
 *   npm run kring -- access-log-head [--json]
 *   npm run kring -- demo [--networks 8] [--years 1] [--seed 1] [--until YYYY-MM-DD]
 *   npm run kring -- impact [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by municipality|method|funding|cohort] [--format json|csv|html] [--as-of <instant>] [--from-export FILE]
 *   npm run kring -- export --pseudonymised --out FILE [--as-of <instant>]
 *   npm run kring -- replay [--as-of <instant>] [--on YYYY-MM-DD]
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DataDirLockedError, describeEventStoreConfig, eventStoreConfigFromEnv, openEventStoreWithSql } from '@kring/event-store';
import { AccessLogVerifier } from '../../api/src/access/access-log-verifier';
import { replayInMemory } from '../../api/src/read-models/replay-in-memory';
import { exportedEvents, exportForEvaluation } from './export-command';
import { asOfOption, impactOptions, impactText, logOf } from './impact-command';
import { progress } from './progress';
import { scalarOption, UsageError } from './usage-error';
import { DateScalar } from '../../api/src/graphql/scalars';

const USAGE = `Usage: npm run kring -- <command> [options]

Commands:
  verify-access-log   check the hash chain of the log and every access-log entry against its event;
                      names the first broken link, prints the head to keep elsewhere
      --anchor <position>:<hash>   also prove that the log still holds this head, kept earlier
  access-log-head     print the head of the hash chain (position and hash), to keep elsewhere
  demo                write a realistic synthetic history of all four methods into an empty store,
                      through the API's own commands; the same options give the same history
      --networks <n>   how many networks (default 8; the methods take turns)
      --years <y>      how many years of history (default 1, from 0.25 to 10)
      --seed <s>       which history (default 1)
      --until <date>   its last day (default today)
  impact              the evaluators' figures over a period, replayed from the log (the API's impact
                      query gives the same): growth and retention, attendance, contacts outside
                      meetings, scaled-down support, referrals, DJG-6 and ZRM change
      --from, --to <date>   the period (dates inside the events place them in it; default: from
                            the log's first date to its last)
      --by <grouping>       municipality, method, funding or cohort (default: one total)
      --format <json|csv|html>  default json; html is one offline page with charts (SVG) and a
                            table, for readers at the municipality; the same log and options give
                            the same bytes
      --as-of <instant>     only events recorded by then (the log as the system knew it)
      --from-export <file>  from an evaluation export instead of the store: the same figures
  export              an evaluation export (JSON Lines): the events impact needs, no names or free
                      text, people who consented as stable keyed pseudonyms, others as numbered tokens
      --pseudonymised       required: the only kind of export there is
      --out <file>          where to write it (written beside it first, then renamed into place)
      --as-of <instant>     only events recorded by then
  replay              every read model as the system knew it at an instant (or now), built in memory
                      with the API's own projection code; JSON on standard output, nothing written
      --as-of <instant>     only events recorded by then (recording time)
      --on <date>           only what had happened by the end of that day (the dates in the events;
                            an undated event takes the latest date before it in its stream)

Options:
  --json              one JSON object on standard output instead of sentences

The store is the API's: KRING_DATABASE_URL, or the embedded one in KRING_DATA_DIR (default ./data).`;

function parse(argv: string[]): { command: string; anchor?: { position: bigint; hash: string }; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { anchor: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command, ...rest] = parsed.positionals;
  if (!command || rest.length > 0 || !['verify-access-log', 'access-log-head'].includes(command))
    throw new UsageError(command ? `Unknown command: ${[command, ...rest].join(' ')}` : 'Name a command');
  const anchorText = parsed.values.anchor;
  if (anchorText !== undefined && command !== 'verify-access-log') throw new UsageError('--anchor goes with verify-access-log');
  const match = anchorText === undefined ? undefined : /^(\d{1,19}):([0-9a-fA-F]{64})$/.exec(anchorText);
  if (anchorText !== undefined && !match) throw new UsageError('--anchor is <position>:<64 hex characters>, as access-log-head prints it');
  return {
    command,
    anchor: match ? { position: BigInt(match[1]), hash: match[2].toLowerCase() } : undefined,
    json: parsed.values.json ?? false,
  };
}

/** The options after a command's name, as parseArgs reads them; anything it refuses is a usage error. */
function commandOptions<const Options extends NonNullable<ParseArgsConfig['options']>>(options: Options) {
  try {
    return parseArgs({ args: process.argv.slice(3), options, strict: true }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function main(): Promise<number> {
  if (process.argv[2] === 'demo') {
    const values = commandOptions({
      networks: { type: 'string' },
      years: { type: 'string' },
      seed: { type: 'string' },
      until: { type: 'string' },
    });
    // Loaded only here: it starts the whole API. The command line's "today" is the machine's; the history itself never reads a clock.
    const { demoOptions, runDemo } = await import('./demo-command');
    await runDemo(demoOptions(values, new Date().toISOString().slice(0, 10)), (text) => process.stdout.write(`${text}\n`));
    return 0;
  }
  if (process.argv[2] === 'impact') {
    const values = commandOptions({
      from: { type: 'string' },
      to: { type: 'string' },
      by: { type: 'string' },
      format: { type: 'string' },
      'as-of': { type: 'string' },
      'from-export': { type: 'string' },
    });
    const options = impactOptions(values);
    if (values['from-export']) {
      process.stdout.write(await impactText({ events: exportedEvents(values['from-export']) }, options));
      return 0;
    }
    const { store } = await openEventStoreWithSql(eventStoreConfigFromEnv());
    try {
      process.stdout.write(await impactText(await logOf(store), options));
    } finally {
      await store.close();
    }
    return 0;
  }
  if (process.argv[2] === 'replay') {
    const values = commandOptions({ 'as-of': { type: 'string' }, on: { type: 'string' } });
    const asOf = asOfOption(values['as-of']);
    const on = values.on === undefined ? undefined : scalarOption(DateScalar, 'on', values.on);
    const { store } = await openEventStoreWithSql(eventStoreConfigFromEnv());
    try {
      const bar = progress('replay', 'events', Number(await store.headPosition()));
      const replay = await replayInMemory(store.readAll({ batchSize: 5000 }), { asOf, on }, bar.update);
      bar.stop();
      process.stdout.write(`${JSON.stringify({ asOf: asOf?.toISOString() ?? null, on: on ?? null, ...replay }, null, 2)}\n`);
    } finally {
      await store.close();
    }
    return 0;
  }
  if (process.argv[2] === 'export') {
    const values = commandOptions({ pseudonymised: { type: 'boolean' }, out: { type: 'string' }, 'as-of': { type: 'string' } });
    if (!values.pseudonymised) throw new UsageError('Add --pseudonymised: it is the only kind of export there is (no names, no free text)');
    if (!values.out) throw new UsageError('--out <file> is required');
    const asOf = asOfOption(values['as-of']);
    const { store } = await openEventStoreWithSql(eventStoreConfigFromEnv());
    try {
      const { events } = await exportForEvaluation(store, values.out, asOf);
      process.stdout.write(`Exported ${events} events to ${values.out} (pseudonymised: no names or free text).\n`);
    } finally {
      await store.close();
    }
    return 0;
  }
  const { command, anchor, json } = parse(process.argv.slice(2));
  const config = eventStoreConfigFromEnv();
  const { store, sql } = await openEventStoreWithSql(config);
  const say = (text: string) => !json && process.stdout.write(`${text}\n`);
  try {
    if (command === 'access-log-head') {
      const head = await store.chainHead();
      if (json) process.stdout.write(`${JSON.stringify({ position: head.position.toString(), hash: head.hash })}\n`);
      say(`Head of the log's hash chain (${describeEventStoreConfig(config)}): ${head.position}:${head.hash}`);
      return 0;
    }
    const progress = process.stderr.isTTY
      ? (stage: string, upTo: bigint, of: bigint) => process.stderr.write(`\rchecking ${stage}: ${upTo} of ${of}   `)
      : undefined;
    const result = await new AccessLogVerifier(store, sql).verify({ anchor, onProgress: progress });
    if (progress) process.stderr.write('\n');
    if (json)
      process.stdout.write(
        `${JSON.stringify({
          intact: result.intact,
          checkedEvents: result.checkedEvents,
          checkedEntries: result.checkedEntries,
          head: `${result.head.position}:${result.head.hash}`,
          ...(result.broken ? { brokenAt: result.broken.position.toString(), problem: result.broken.problem } : {}),
        })}\n`,
      );
    if (result.broken) {
      say(`BROKEN at position ${result.broken.position}: ${result.broken.problem}.`);
      say(`Checked ${result.checkedEvents} events and ${result.checkedEntries} access-log entries before it.`);
      return 1;
    }
    say(
      `Intact: ${result.checkedEvents} events and ${result.checkedEntries} access-log entries checked${anchor ? ', and the anchored head holds' : ''}.`,
    );
    say(`Keep this head elsewhere to prove later that nothing before it changed: ${result.head.position}:${result.head.hash}`);
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exit(1);
    }
    const hint = error instanceof DataDirLockedError ? ' A running API answers the same through the verifyAccessLog query.' : '';
    process.stderr.write(`kring: ${error.message}${hint}\n`);
    process.exit(1);
  },
);
