import { IMPACT_GROUPINGS, impactCsv, type ImpactGrouping, type StoredEvent } from '@kring/domain';
import type { EventStore } from '@kring/event-store';
import { type ImpactQuestion, impactOfEvents } from '../../api/src/impact/impact-of-log';
import { DateScalar, DateTimeScalar } from '../../api/src/graphql/scalars';
import { progress } from './progress';
import { scalarOption, UsageError } from './usage-error';

export const IMPACT_FORMATS = ['json', 'csv'] as const;
export type ImpactFormat = (typeof IMPACT_FORMATS)[number];

const isGrouping = (value: string): value is ImpactGrouping => (IMPACT_GROUPINGS as readonly string[]).includes(value);
const isFormat = (value: string): value is ImpactFormat => (IMPACT_FORMATS as readonly string[]).includes(value);

/** An instant with its offset, or undefined when not given. */
export function asOfOption(text: string | undefined): Date | undefined {
  return text === undefined ? undefined : scalarOption(DateTimeScalar, 'as-of', text);
}

/** `kring impact`'s options, each refused with a sentence when it cannot be right. */
export function impactOptions(values: { from?: string; to?: string; by?: string; format?: string; 'as-of'?: string }): ImpactQuestion & {
  format: ImpactFormat;
} {
  const date = (name: 'from' | 'to') => {
    const text = values[name];
    if (text === undefined) throw new UsageError(`--${name} is required (a date, YYYY-MM-DD)`);
    return scalarOption(DateScalar, name, text);
  };
  const [from, to] = [date('from'), date('to')];
  if (from > to) throw new UsageError(`--from (${from}) is after --to (${to})`);
  const by = values.by;
  if (by !== undefined && !isGrouping(by)) throw new UsageError(`--by is one of ${IMPACT_GROUPINGS.join(', ')}; got "${by}"`);
  const format = values.format ?? 'json';
  if (!isFormat(format)) throw new UsageError(`--format is one of ${IMPACT_FORMATS.join(', ')}; got "${format}"`);
  const asOf = asOfOption(values['as-of']);
  return { from, to, by: by ?? null, format, asOf };
}

/** The report in the chosen format, from the log or an export of it: the same events and options give the same bytes. */
export async function impactText(
  source: { events: AsyncIterable<StoredEvent>; total?: bigint },
  options: ReturnType<typeof impactOptions>,
): Promise<string> {
  const bar = progress('impact', 'events', source.total === undefined ? undefined : Number(source.total));
  const report = await impactOfEvents(source.events, options, bar.update);
  bar.stop();
  return options.format === 'csv' ? impactCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
}

/** The whole log of a store as an impact source. */
export const logOf = async (store: EventStore) => ({ events: store.readAll({ batchSize: 5000 }), total: await store.headPosition() });
