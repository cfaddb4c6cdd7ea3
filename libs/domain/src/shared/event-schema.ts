/**
 * What each event looks like, once: its schema version and the kind of every field, written beside
 * its TypeScript type and checked against it by the compiler (a field missing from the schema, one too
 * many, or of the wrong kind does not compile). Events read from the log are checked against it, so a
 * malformed one is named (stream, position, what is wrong) instead of failing somewhere later.
 */
import type { DomainEvent, IsoDate } from './decider';

type Kind = 'string' | 'date' | 'number' | 'boolean' | 'strings' | 'list' | 'record';

/** The kinds a TypeScript field type may be described as. */
type KindOf<V> = [V] extends [string]
  ? 'string' | 'date'
  : [V] extends [number]
    ? 'number'
    : [V] extends [boolean]
      ? 'boolean'
      : [V] extends [readonly string[]]
        ? 'strings'
        : [V] extends [readonly unknown[]]
          ? 'list'
          : [V] extends [object]
            ? 'record'
            : never;

type FieldKind<D, K extends keyof D> = undefined extends D[K] ? `${KindOf<NonNullable<D[K]>>}?` : KindOf<D[K]>;

/** Personal texts: one text, or a record of texts (agreement → task). Search hashes are the store's, not the event's. */
type PersonalKind<V> = [NonNullable<V>] extends [string] ? (undefined extends V ? 'text?' : 'text') : 'texts';

type PersonalSpec<P> = { [K in Exclude<keyof P, 'subjectId' | `${string}Hash`>]-?: PersonalKind<P[K]> };

export type EventSchema<E extends DomainEvent<string, object>> = {
  version: number;
  data: { [K in Exclude<keyof E['data'], 'personal'>]-?: FieldKind<E['data'], K> };
} & (E['data'] extends { personal: infer P } ? { personal: PersonalSpec<P> } : { personal?: undefined });

/** The schema of every event type of a union. */
export type EventSchemas<E extends DomainEvent<string, object>> = { [T in E['type']]: EventSchema<Extract<E, { type: T }>> };

/** Any schema, as the checks below read it. */
export interface AnySchema {
  version: number;
  data: Record<string, string>;
  personal?: Record<string, string>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function fits(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value as IsoDate);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'strings':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'list':
      return Array.isArray(value);
    case 'record':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

function problemIn(fields: Record<string, string>, values: Record<string, unknown>, prefix: string): string | undefined {
  for (const [name, spec] of Object.entries(fields)) {
    const optional = spec.endsWith('?');
    const kind = (optional ? spec.slice(0, -1) : spec) as Kind | 'text' | 'texts';
    const value = values[name];
    if (value === undefined || value === null) {
      if (optional) continue;
      return `${prefix}${name} is missing`;
    }
    const ok =
      kind === 'text'
        ? typeof value === 'string'
        : kind === 'texts'
          ? fits('record', value) && Object.values(value as object).every((text) => typeof text === 'string')
          : fits(kind, value);
    if (!ok) return `${prefix}${name} is not ${kind === 'text' || kind === 'texts' ? `personal ${kind}` : `a ${kind}`}`;
  }
  return undefined;
}

/** What is wrong with a stored event by its schemas (the log's form: after upcasting), or undefined when it fits. */
export function eventProblem(
  schemas: Readonly<Record<string, AnySchema>>,
  event: { type: string; version: number; data: Record<string, unknown> },
): string | undefined {
  const schema = Object.hasOwn(schemas, event.type) ? schemas[event.type] : undefined;
  if (!schema) return `${event.type} is no event this reader knows`;
  if (event.version !== schema.version)
    return `version ${event.version} of ${event.type} is not ${schema.version}, and no upcaster made it so`;
  const problem = problemIn(schema.data, event.data, '');
  if (problem || !schema.personal) return problem;
  const personal = event.data.personal;
  if (typeof personal !== 'object' || personal === null) return 'personal is missing';
  return problemIn({ subjectId: 'string', ...schema.personal }, personal as Record<string, unknown>, 'personal.');
}

/** An event in the log that does not fit its schema: named by stream and position, so it can be found and fixed. */
export class MalformedEventError extends Error {
  constructor(
    readonly streamId: string,
    readonly position: bigint,
    readonly type: string,
    readonly problem: string,
  ) {
    super(`the event at position ${position} in stream ${streamId} (${type}) is malformed: ${problem}`);
    this.name = 'MalformedEventError';
  }
}

/** Throws MalformedEventError unless the stored event fits its schema. */
export function checkEvent(
  schemas: Readonly<Record<string, AnySchema>>,
  event: { streamId: string; position: bigint; type: string; version: number; data: Record<string, unknown> },
): void {
  const problem = eventProblem(schemas, event);
  if (problem) throw new MalformedEventError(event.streamId, event.position, event.type, problem);
}
