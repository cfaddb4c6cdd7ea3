import { IMPACT_GROUPINGS, impactCsv, type ImpactGrouping, type IsoDate, type StoredEvent } from '@kring/domain';
import type { EventStore } from '@kring/event-store';
import { type ImpactQuestion, impactCalculatorOf } from '../../api/src/impact/impact-of-log';
import { DateScalar, DateTimeScalar } from '../../api/src/graphql/scalars';
import { progress } from './progress';
import { scalarOption, UsageError } from './usage-error';

export const IMPACT_FORMATS = ['json', 'csv', 'html'] as const;
export type ImpactFormat = (typeof IMPACT_FORMATS)[number];

const isGrouping = (value: string): value is ImpactGrouping => (IMPACT_GROUPINGS as readonly string[]).includes(value);
const isFormat = (value: string): value is ImpactFormat => (IMPACT_FORMATS as readonly string[]).includes(value);

/** An instant with its offset, or undefined when not given. */
export function asOfOption(text: string | undefined): Date | undefined {
  return text === undefined ? undefined : scalarOption(DateTimeScalar, 'as-of', text);
}

/** The question `kring impact` answers: without --from or --to, the period runs from the log's first business date to its last. */
export type ImpactOptions = Omit<ImpactQuestion, 'from' | 'to'> & { from?: IsoDate; to?: IsoDate; format: ImpactFormat };

/** `kring impact`'s options, each refused with a sentence when it cannot be right. */
export function impactOptions(values: { from?: string; to?: string; by?: string; format?: string; 'as-of'?: string }): ImpactOptions {
  const date = (name: 'from' | 'to') => {
    const text = values[name];
    return text === undefined ? undefined : scalarOption(DateScalar, name, text);
  };
  const [from, to] = [date('from'), date('to')];
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from (${from}) is after --to (${to})`);
  const by = values.by;
  if (by !== undefined && !isGrouping(by)) throw new UsageError(`--by is one of ${IMPACT_GROUPINGS.join(', ')}; got "${by}"`);
  const format = values.format ?? 'json';
  if (!isFormat(format)) throw new UsageError(`--format is one of ${IMPACT_FORMATS.join(', ')}; got "${format}"`);
  const asOf = asOfOption(values['as-of']);
  return { from, to, by: by ?? null, format, asOf };
}

/** The report in the chosen format, from the log or an export of it: the same events and options give the same bytes. */
export async function impactText(source: { events: AsyncIterable<StoredEvent>; total?: bigint }, options: ImpactOptions): Promise<string> {
  const bar = progress('impact', 'events', source.total === undefined ? undefined : Number(source.total));
  const calculator = await impactCalculatorOf(source.events, options.asOf, bar.update);
  bar.stop();
  const period = calculator.period();
  const from = options.from ?? period?.from;
  const to = options.to ?? period?.to;
  if (from === undefined || to === undefined)
    throw new Error(
      'the log holds no dated events yet, so there is no period to report on: write some first (kring demo), or give --from and --to',
    );
  if (from > to) throw new UsageError(`the period would run from ${from} to ${to}: give both --from and --to`);
  const report = calculator.report(from, to, options.by ?? null);
  if (options.format === 'csv') return impactCsv(report);
  if (options.format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  // Loaded only here: Vega is large, and only the HTML report draws charts.
  const { impactHtml } = await import('./impact-report/impact-html');
  return impactHtml(report, calculator.months(from, to, options.by ?? null));
}

/** The whole log of a store as an impact source. */
export const logOf = async (store: EventStore) => ({ events: store.readAll({ batchSize: 5000 }), total: await store.headPosition() });
