/**
 * A read model, described as pure functions: which documents an event changes, and how. The
 * projection engine (libs/projections) loads those documents, calls `evolve` in log order and stores
 * the result with its checkpoint in one transaction; the same definition serves live following,
 * rebuilds and "as of" replays, so no figure has a second hand-written copy of its logic.
 */
import type { PersonalData } from './decider';
import { checkEvent, checkerOf, type AnySchema } from './event-schema';
import type { StoredPersonal } from './personal';

/** An event as a projection sees it: its stored `data` (personal data under `data.personal`) and where it sits in the log. */
export interface ProjectedEvent<Type extends string = string, Data extends object = object> {
  id: string;
  type: Type;
  data: Data;
  position: bigint;
  recordedAt: Date;
  /** Who caused it and why: the access log reads it; read models of the domain do not. */
  metadata?: { actorId?: string; actorRoles?: string[]; purpose?: string; commandType?: string; source?: string };
}

/** The stored form of a domain event union: the same shape, with `data.personal` sealed. */
export type Projected<E> = E extends { type: infer T extends string; data: infer D extends object }
  ? ProjectedEvent<T, StoredData<D>>
  : never;

type StoredData<D> = D extends { personal: infer P extends PersonalData } ? Omit<D, 'personal'> & { personal: StoredPersonal<P> } : D;

export type ColumnType = 'text' | 'integer' | 'bigint' | 'float' | 'date' | 'boolean';
export type ColumnValue = string | number | boolean | null;

/** One table of documents keyed by a string, with columns lifted out of each document for filtering. */
export interface Collection<Event extends ProjectedEvent = ProjectedEvent, Doc = unknown, Column extends string = string> {
  name: string;
  columns: { [C in Column]: { type: ColumnType; of: (doc: Doc) => ColumnValue } };
  /** Keys of the documents this event changes here (none: the event does not concern this collection). */
  keys(event: Event): readonly string[];
  /**
   * The document after the event; `undefined` removes it. `index` is the key's place in `keys(event)`,
   * so an event that names many documents need not search itself again for why it names this one.
   * It may change `doc` in place and return it:
   * documents belong to the one who applies events to them (the engine serialises what it writes
   * before it applies more). Never change what a document shares with an event: events are facts,
   * read by every projection, so copy an event's arrays or objects before changing them.
   */
  evolve(doc: Doc | undefined, event: Event, key: string, index: number): Doc | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any collection: each has its own event, document and column types
export type AnyCollection = Collection<any, any, string>;
/** The document type of a collection, and the names of its columns: what its readers may ask for. */
export type DocOf<C> = C extends Collection<infer _E, infer Doc, infer _C> ? Doc : never;
export type ColumnOf<C> = C extends Collection<infer _E, infer _D, infer Column> ? Column : never;

/** Declares a collection of `Doc`s changed by `Event`s; the names of its columns are taken from `columns`. */
export const collection =
  <Event extends ProjectedEvent, Doc>() =>
  <Column extends string = never>(definition: Collection<Event, Doc, Column>): Collection<Event, Doc, Column> =>
    definition;

export interface ProjectionDefinition<
  Event extends ProjectedEvent = ProjectedEvent,
  Collections extends ReadonlyArray<AnyCollection> = ReadonlyArray<AnyCollection>,
> {
  /** Stable, lower-case, [a-z_]: it names tables and the checkpoint. */
  name: string;
  /** Bump when the documents' shape or meaning changes: the engine rebuilds beside the old version, then switches. */
  version: number;
  /** The schemas of the event types it handles: events of those types are checked against them before they are applied. */
  events: Readonly<Record<Event['type'], AnySchema>>;
  collections: Collections;
}

/** The collections a projection holds: what a reader of its tables may read. */
export type CollectionOf<P> = P extends ProjectionDefinition<infer _E, infer Collections> ? Collections[number] : never;

/** Declares a projection of `Event`s, keeping the type of each of its collections. */
export const projection =
  <Event extends ProjectedEvent>() =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each collection has its own document type
  <const Collections extends ReadonlyArray<Collection<Event, any, string>>>(
    definition: ProjectionDefinition<Event, Collections>,
  ): ProjectionDefinition<Event, Collections> =>
    definition;

/** An event as the log stores it (the event store's RecordedEvent has this shape). */
export interface StoredEvent extends ProjectedEvent<string, Record<string, unknown>> {
  streamId: string;
  version: number;
}

/**
 * A stored event as one of the projection's own events: checked against the schema of its type first
 * (MalformedEventError, naming stream and position, if it does not fit).
 */
export function asProjected<Event extends ProjectedEvent>(
  projection: ProjectionDefinition<Event, ReadonlyArray<AnyCollection>>,
  event: StoredEvent,
): Event {
  return asEventOf<Event>(projection.events, event);
}

/** The stored event as one of `Event`s, once checked against their schemas (MalformedEventError if it does not fit). */
export function asEventOf<Event extends ProjectedEvent>(schemas: Readonly<Record<Event['type'], AnySchema>>, event: StoredEvent): Event {
  checkEvent(schemas, event);
  // Checked against the schema the compiler checked against Event's own type.
  return event as unknown as Event;
}

/** Documents by collection, then key; `undefined` marks a document the events removed. */
export type DocumentTables = Record<string, Map<string, unknown>>;

/** The event types a projection handles. */
export const eventTypesOf = (projection: ProjectionDefinition): string[] => Object.keys(projection.events);

/** Some of a stream kind's schemas, for the projection that handles those types. */
export function schemasOf<S extends Readonly<Record<string, AnySchema>>, K extends keyof S & string>(
  schemas: S,
  ...types: K[]
): Pick<S, K> {
  return Object.fromEntries(types.map((type) => [type, schemas[type]])) as Pick<S, K>;
}

const checksByType = new WeakMap<ProjectionDefinition, ReadonlyMap<string, (event: StoredEvent) => void>>();

/**
 * The event types a projection handles, each with the check of its schema (see checkerOf): made once
 * per projection, since a rebuild asks for every event.
 */
export function checksOf(projection: ProjectionDefinition): ReadonlyMap<string, (event: StoredEvent) => void> {
  let checks = checksByType.get(projection);
  if (!checks) {
    checks = new Map(Object.entries<AnySchema>(projection.events).map(([type, schema]) => [type, checkerOf(schema)]));
    checksByType.set(projection, checks);
  }
  return checks;
}

/** Whether the projection handles this event type. */
export function handles(projection: ProjectionDefinition, type: string): boolean {
  return checksOf(projection).has(type);
}

/** The keys these events touch, per collection: each event's (none if the projection does not handle it), and all of them once. */
export interface KeysTouched {
  byEvent: Record<string, Array<readonly string[]>>;
  all: Record<string, Set<string>>;
}

const NO_KEYS: readonly string[] = [];

/**
 * The keys these events touch: what the engine loads before applying a batch, and then hands to
 * `applyEvents`, so that no event's keys are worked out twice (a member's key at every meeting).
 */
export function keysTouched<Event extends ProjectedEvent>(projection: ProjectionDefinition<Event>, events: readonly Event[]): KeysTouched {
  const types = checksOf(projection);
  const touched: KeysTouched = { byEvent: {}, all: {} };
  for (const collection of projection.collections) {
    const all = (touched.all[collection.name] = new Set<string>());
    const byEvent = (touched.byEvent[collection.name] = new Array<readonly string[]>(events.length));
    for (let i = 0; i < events.length; i++) {
      const keys = types.has(events[i].type) ? collection.keys(events[i]) : NO_KEYS;
      byEvent[i] = keys;
      for (const key of keys) all.add(key);
    }
  }
  return touched;
}

/** How many pair keys `pairKey` keeps before it starts again: about 13 MB at most. */
const PAIR_KEYS_KEPT = 100_000;
const pairKeys = new Map<string, Map<string, string>>();
let pairKeysKept = 0;

/**
 * The key `first/second` of a document named by two ids (a member: network and participant). The same
 * two ids give the same string, whose hash the Map keeps: a rebuild asks for each member's key at every
 * meeting, and joining and hashing a new string each time cost five times the lookup itself.
 */
export function pairKey(first: string, second: string): string {
  let seconds = pairKeys.get(first);
  if (!seconds) {
    if (pairKeysKept >= PAIR_KEYS_KEPT) {
      pairKeys.clear();
      pairKeysKept = 0;
    }
    pairKeys.set(first, (seconds = new Map()));
  }
  let key = seconds.get(second);
  if (key === undefined) {
    seconds.set(second, (key = `${first}/${second}`));
    pairKeysKept++;
  }
  return key;
}

/** Applies one event to one collection's documents in `table` (changed in place), at its keys. */
function applyTo(collection: AnyCollection, table: Map<string, unknown>, event: ProjectedEvent, keys = collection.keys(event)): void {
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    const before = table.get(key);
    const after = collection.evolve(before, event, key, index);
    // A document changed in place is already there; an absent one that stays absent is marked removed, as before.
    if (after !== before || before === undefined) table.set(key, after);
  }
}

/**
 * Applies events, in order, to the documents in `tables` (changed in place): the one place where a
 * read model evolves. `touched`: their keys, if the caller has worked them out (keysTouched) already.
 */
export function applyEvents<Event extends ProjectedEvent>(
  projection: ProjectionDefinition<Event>,
  tables: DocumentTables,
  events: readonly Event[],
  touched?: KeysTouched,
): DocumentTables {
  const types = checksOf(projection);
  const collections = projection.collections.map((collection) => ({
    collection,
    table: (tables[collection.name] ??= new Map()),
    keys: touched?.byEvent[collection.name],
  }));
  for (let i = 0; i < events.length; i++) {
    if (!types.has(events[i].type)) continue;
    for (const { collection, table, keys } of collections) applyTo(collection, table, events[i], keys?.[i]);
  }
  return tables;
}

/** Where the events of one type go: the checks of their schemas (one, unless projections differ), then the collections. */
interface Route {
  checks: Array<(event: StoredEvent) => void>;
  targets: Array<{ collection: AnyCollection; table: Map<string, unknown> }>;
}

/**
 * Many projections applied in memory from one pass over the log, as a replay does (`kring replay`,
 * "as of" questions): each event's type is looked up once, the event is checked once against its
 * schema and handed only to the collections of the projections that handle it. Applying one projection
 * at a time would read the whole log, and check its events, once per projection.
 */
export class ProjectionsInMemory {
  /** Each projection's documents, changed in place as events are applied. */
  readonly tables: ReadonlyMap<ProjectionDefinition, DocumentTables>;
  private readonly routes = new Map<string, Route>();

  constructor(projections: readonly ProjectionDefinition[]) {
    const tables = new Map<ProjectionDefinition, DocumentTables>();
    for (const projection of projections) {
      const documents: DocumentTables = {};
      tables.set(projection, documents);
      for (const [type, check] of checksOf(projection)) {
        let route = this.routes.get(type);
        if (!route) this.routes.set(type, (route = { checks: [], targets: [] }));
        // Projections that handle a type share its schema, and so its check: each event is checked once.
        if (!route.checks.includes(check)) route.checks.push(check);
        for (const collection of projection.collections)
          route.targets.push({ collection, table: (documents[collection.name] ??= new Map()) });
      }
    }
    this.tables = tables;
  }

  /** Applies the next event of the log (MalformedEventError if it does not fit its schema); events no projection handles pass by. */
  apply(event: StoredEvent): void {
    const route = this.routes.get(event.type);
    if (!route) return;
    for (let i = 0; i < route.checks.length; i++) route.checks[i](event);
    for (let i = 0; i < route.targets.length; i++) applyTo(route.targets[i].collection, route.targets[i].table, event);
  }
}
