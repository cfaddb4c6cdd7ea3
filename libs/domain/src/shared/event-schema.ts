/**
 * What each event looks like, once: its schema version and the kind of every field, written beside
 * its TypeScript type and checked against it by the compiler (a field missing from the schema, one too
 * many, or of the wrong kind does not compile). Events read from the log are checked against it, so a
 * malformed one is named (stream, position, what is wrong) instead of failing somewhere later.
 */
import type { DomainEvent } from './decider';

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

const isRecord = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

const FITS: Record<Kind | 'text' | 'texts', (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  date: (value) => typeof value === 'string' && ISO_DATE.test(value),
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  boolean: (value) => typeof value === 'boolean',
  strings: (value) => {
    if (!Array.isArray(value)) return false;
    // A loop, not `every`: attendance lists are checked at every meeting of a rebuild.
    for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
    return true;
  },
  list: (value) => Array.isArray(value),
  record: isRecord,
  text: (value) => typeof value === 'string',
  texts: (value) => isRecord(value) && Object.values(value).every((text) => typeof text === 'string'),
};

interface FieldRule {
  name: string;
  optional: boolean;
  fits: (value: unknown) => boolean;
  /** What it must be, as a problem names it. */
  expected: string;
}

/** Field specs turned into rules once per schema: rebuilds check every event, and parsing specs each time cost more than the checks. */
const rules = new WeakMap<Record<string, string>, { rules: FieldRule[]; fitsAll: (values: Record<string, unknown>) => boolean }>();

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Whether values fit every rule, as one function written for these fields: each field read by its
 * name and checked by its own call site, which V8 inlines, where a loop over the rules reads every
 * field by a computed name through one shared call (a third of a rebuild's time went there). The
 * names are the schema's own identifiers, checked as such; the message of a misfit comes from the rules.
 */
function fitsAllOf(known: readonly FieldRule[]): (values: Record<string, unknown>) => boolean {
  const body = known.map(({ name, optional }, i) => {
    if (!IDENTIFIER.test(name)) throw new Error(`a schema field is named ${JSON.stringify(name)}, which is no identifier`);
    const missing = optional ? 'false' : 'true';
    return `v = values.${name}; if (v === undefined || v === null ? ${missing} : !fits${i}(v)) return false;`;
  });
  const make = new Function(...known.map((_, i) => `fits${i}`), `return (values) => { let v; ${body.join(' ')} return true; };`);
  return make(...known.map(({ fits }) => fits)) as (values: Record<string, unknown>) => boolean;
}

function compiled(fields: Record<string, string>) {
  let known = rules.get(fields);
  if (!known) {
    const list = Object.entries(fields).map(([name, spec]) => {
      const optional = spec.endsWith('?');
      const kind = (optional ? spec.slice(0, -1) : spec) as keyof typeof FITS;
      return { name, optional, fits: FITS[kind], expected: kind === 'text' || kind === 'texts' ? `personal ${kind}` : `a ${kind}` };
    });
    known = { rules: list, fitsAll: fitsAllOf(list) };
    rules.set(fields, known);
  }
  return known;
}

function problemIn(fields: Record<string, string>, values: Record<string, unknown>, prefix: string): string | undefined {
  const { rules: known, fitsAll } = compiled(fields);
  if (fitsAll(values)) return undefined;
  for (const { name, optional, fits, expected } of known) {
    const value = values[name];
    if (value === undefined || value === null) {
      if (optional) continue;
      return `${prefix}${name} is missing`;
    }
    if (!fits(value)) return `${prefix}${name} is not ${expected}`;
  }
  return undefined;
}

const PERSONAL_SUBJECT = { subjectId: 'string' };
const personalFields = new WeakMap<Record<string, string>, Record<string, string>>();

/** The fields a schema's `personal` must have: its own, and whose data it is. */
function personalFieldsOf(personal: Record<string, string>): Record<string, string> {
  let fields = personalFields.get(personal);
  if (!fields) personalFields.set(personal, (fields = { ...PERSONAL_SUBJECT, ...personal }));
  return fields;
}

interface CheckedEvent {
  streamId: string;
  position: bigint;
  type: string;
  version: number;
  data: Record<string, unknown>;
}

/** What is wrong with a stored event by its own type's schema, or undefined when it fits. */
function problemWith(schema: AnySchema, event: { type: string; version: number; data: Record<string, unknown> }): string | undefined {
  if (event.version !== schema.version)
    return `version ${event.version} of ${event.type} is not ${schema.version}, and no upcaster made it so`;
  const problem = problemIn(schema.data, event.data, '');
  if (problem || !schema.personal) return problem;
  const personal = event.data.personal;
  if (typeof personal !== 'object' || personal === null) return 'personal is missing';
  return problemIn(personalFieldsOf(schema.personal), personal as Record<string, unknown>, 'personal.');
}

/** What is wrong with a stored event by its schemas (the log's form: after upcasting), or undefined when it fits. */
export function eventProblem(
  schemas: Readonly<Record<string, AnySchema>>,
  event: { type: string; version: number; data: Record<string, unknown> },
): string | undefined {
  const schema = Object.hasOwn(schemas, event.type) ? schemas[event.type] : undefined;
  return schema ? problemWith(schema, event) : `${event.type} is no event this reader knows`;
}

const checkers = new WeakMap<AnySchema, (event: CheckedEvent) => void>();

/**
 * The check of one schema, made once: throws MalformedEventError unless an event of its type fits.
 * Whoever checks many events of a type keeps it, and pays neither a lookup by type nor one by fields.
 */
export function checkerOf(schema: AnySchema): (event: CheckedEvent) => void {
  let check = checkers.get(schema);
  if (!check) {
    const { version } = schema;
    const fitsData = compiled(schema.data).fitsAll;
    const fitsPersonal = schema.personal && compiled(personalFieldsOf(schema.personal)).fitsAll;
    const fits = (data: Record<string, unknown>): boolean => {
      if (!fitsData(data)) return false;
      if (!fitsPersonal) return true;
      const personal = data.personal;
      return typeof personal === 'object' && personal !== null && fitsPersonal(personal as Record<string, unknown>);
    };
    check = (event) => {
      if (event.version === version && fits(event.data)) return;
      throw new MalformedEventError(event.streamId, event.position, event.type, problemWith(schema, event)!);
    };
    checkers.set(schema, check);
  }
  return check;
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
export function checkEvent(schemas: Readonly<Record<string, AnySchema>>, event: CheckedEvent): void {
  const schema = Object.hasOwn(schemas, event.type) ? schemas[event.type] : undefined;
  if (!schema) throw new MalformedEventError(event.streamId, event.position, event.type, `${event.type} is no event this reader knows`);
  checkerOf(schema)(event);
}
