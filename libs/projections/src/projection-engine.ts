import { setTimeout as sleep } from 'node:timers/promises';
import { handles, ProjectionDefinition } from '@kring/domain';
import { EventStore, migrate, RecordedEvent, ReservedSession, SqlDriver } from '@kring/event-store';
import { DocumentBuffer } from './document-buffer';
import { assertIdentifier, createTablesSql } from './document-tables';
import { PROJECTION_MIGRATIONS, STATUS_CHANNEL } from './projection-schema';

/** classid of our advisory locks (objid: hashtext of the projection's name). */
const LOCK_CLASS = 0x6b72_696e;
const RETIRED_GRACE_MS = 30_000;
/** Longest a cold start waits for every projection's first leadership attempt before its lanes read anyway. */
const GATE_MS = 5_000;

export interface ProjectionEngineOptions {
  /** Events per read of the log. */
  batchSize?: number;
  /** Events per transaction while catching up (documents stay in memory between reads); live batches commit as they arrive. */
  commitEvery?: number;
  /** How long a follower sleeps without news before it looks at the log again (a safety net). */
  idleWaitMs?: number;
  /** Shortest time between the starts of two live rounds of a lane: under load each round takes in every append since. */
  roundIntervalMs?: number;
  /** How often a process without the lock tries to take over a projection. */
  lockRetryMs?: number;
  log?: (message: string) => void;
  /** After each committed batch of any generation: progress for long rebuilds. */
  onBatch?: (progress: { name: string; generation: number; checkpoint: bigint; events: number }) => void;
}

export class StaleReadModelError extends Error {
  readonly code = 'STALE_READ_MODEL';
  constructor(
    readonly projections: readonly string[],
    readonly position: bigint,
  ) {
    super(`the read model (${projections.join(', ')}) did not reach position ${position} in time`);
    this.name = 'StaleReadModelError';
  }
}

/** The checkpoint row changed under us: another process projects this generation now. */
class LostLeadershipError extends Error {}

/** One projection's own code or documents failed (an event it cannot apply, a document its tables refuse). */
class ProjectionFailedError extends Error {
  constructor(
    readonly projection: string,
    doing: string,
    cause: unknown,
  ) {
    super(`projection ${projection} failed ${doing}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ProjectionFailedError';
  }
}

type GenerationState = 'building' | 'active' | 'retired';

interface Generation {
  name: string;
  generation: number;
  version: number;
  checkpoint: bigint;
  state: GenerationState;
}

interface GenerationRow {
  name: string;
  generation: number;
  version: number;
  checkpoint: bigint;
  state: GenerationState;
}

export interface RebuildResult {
  name: string;
  generation: number;
  events: number;
  checkpoint: bigint;
  ms: number;
}

/** A generation this process projects, with its documents in memory. */
interface Member {
  definition: ProjectionDefinition;
  generation: Generation;
  halt: { requested: boolean };
  buffer: DocumentBuffer<RecordedEvent>;
  applied: number;
  started: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Generations that have applied the log up to the same position, and follow it together from there. */
interface Lane {
  /** Every member has applied the log up to here; committed checkpoints may trail it. */
  read: bigint;
  members: Set<Member>;
  /** Taken in at the top of the lane's next round, if still at `read`. */
  joining: Member[];
  parked: boolean;
  closing: boolean;
  wake: () => void;
}

type ProjectedListener = (projection: string, events: readonly RecordedEvent[]) => void;

export const schemaOf = (name: string, generation: number): string => `kring_rm_${assertIdentifier(name)}_${generation}`;

/**
 * Runs projections over the log: catch up from the checkpoint in batches, then follow live. Each
 * batch and its checkpoint commit in one transaction, so a crash never applies an event twice or
 * skips one. Each projection lives in generations (a schema each): a rebuild or a new version builds
 * a new generation beside the active one and switches when caught up, so queries never see a
 * half-built model. A session-level advisory lock per projection makes one process its projector;
 * other processes follow the checkpoints through NOTIFY and answer queries from the same tables.
 * The generations a process runs that stand at the same position form a lane: one read of the log and
 * one transaction per batch for all of them.
 */
export class ProjectionEngine {
  private readonly definitions = new Map<string, ProjectionDefinition>();
  private readonly active = new Map<string, Generation>();
  private readonly waiters = new Set<() => void>();
  private readonly listeners = new Set<ProjectedListener>();
  private readonly rebuilds = new Map<
    string,
    { promise: Promise<RebuildResult>; resolve: (r: RebuildResult) => void; reject: (e: Error) => void }
  >();
  private readonly generationsRunning = new Set<Generation>();
  private readonly lanes = new Set<Lane>();
  /** Projections this process leads whose last attempt failed in their own code or documents, until they commit again. */
  private readonly failures = new Map<string, { message: string; since: Date }>();
  /** Lanes start reading once every projection's first leadership attempt is done, so a cold start shares one lane. */
  private gate: Promise<void> = Promise.resolve();
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly wakeLeaders = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopListening?: () => Promise<void>;
  private stopped = false;
  private readonly batchSize: number;
  private readonly commitEvery: number;
  private readonly idleWaitMs: number;
  private readonly lockRetryMs: number;
  private readonly roundIntervalMs: number;
  private readonly log: (message: string) => void;
  private readonly onBatch?: ProjectionEngineOptions['onBatch'];

  constructor(
    private readonly store: EventStore,
    private readonly sql: SqlDriver,
    projections: readonly ProjectionDefinition[],
    options: ProjectionEngineOptions = {},
  ) {
    for (const projection of projections) this.definitions.set(assertIdentifier(projection.name), projection);
    this.batchSize = options.batchSize ?? 5000;
    this.commitEvery = options.commitEvery ?? 25_000;
    this.idleWaitMs = options.idleWaitMs ?? 1000;
    this.lockRetryMs = options.lockRetryMs ?? 2000;
    this.roundIntervalMs = options.roundIntervalMs ?? 5;
    this.log = options.log ?? (() => undefined);
    this.onBatch = options.onBatch;
  }

  get projections(): string[] {
    return [...this.definitions.keys()];
  }

  /** Creates the bookkeeping table, learns the active generations, and starts a projector per projection. */
  async start(): Promise<void> {
    await migrate(this.sql, PROJECTION_MIGRATIONS);
    this.stopListening = await this.sql.listen(STATUS_CHANNEL, (payload) => this.onStatus(payload));
    await this.refreshStatus();
    let attempting = this.definitions.size;
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    const attempted = () => --attempting === 0 && open();
    this.later(GATE_MS, async () => open());
    for (const definition of this.definitions.values()) this.track(this.lead(definition, once(attempted)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakeLeaders) wake();
    for (const lane of this.lanes) lane.wake();
    for (const timer of this.timers) clearTimeout(timer);
    for (const rebuild of this.rebuilds.values()) rebuild.reject(new Error('the projection engine stopped'));
    await Promise.allSettled([...this.tasks]);
    await this.stopListening?.();
    this.notifyWaiters();
  }

  /** Schema of the generation queries should read, or undefined while the first build runs. */
  activeSchema(name: string): string | undefined {
    const generation = this.active.get(name);
    return generation && schemaOf(name, generation.generation);
  }

  checkpoint(name: string): bigint {
    return this.active.get(name)?.checkpoint ?? -1n;
  }

  /**
   * Each projection's checkpoint as this process knows it, and why it is stuck if this process leads it and its
   * last attempt failed (an event it cannot apply): the same failure recurs on every retry until the code is fixed.
   */
  status(): Array<{ name: string; checkpoint: bigint; failing?: { message: string; since: Date } }> {
    return this.projections.map((name) => ({
      name,
      checkpoint: this.checkpoint(name),
      ...(this.failures.has(name) ? { failing: this.failures.get(name) } : {}),
    }));
  }

  /** Called with the events of each committed batch of an active generation: the hook for live updates. */
  onProjected(listener: ProjectedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every named projection has processed `position` (read-your-writes); no polling, woken by commits. */
  async waitFor(names: readonly string[], position: bigint, timeoutMs: number): Promise<void> {
    const reached = () => names.every((name) => this.checkpoint(name) >= position);
    if (reached()) return;
    const deadline = Date.now() + timeoutMs;
    while (!reached()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.stopped) throw new StaleReadModelError(names, position);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
    }
  }

  /**
   * Builds a new generation of `name` from the start of the log beside the active one, and switches
   * queries to it once it has caught up. Only the process holding the projection's lock can do it.
   */
  rebuild(name: string): Promise<RebuildResult> {
    this.definitionOf(name); // refuses an unknown name before anything starts
    const running = this.rebuilds.get(name);
    if (running) return running.promise;
    let resolve!: (result: RebuildResult) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<RebuildResult>((ok, fail) => ((resolve = ok), (reject = fail)));
    this.rebuilds.set(name, { promise, resolve, reject });
    promise.catch(() => undefined).finally(() => this.rebuilds.delete(name));
    for (const wake of this.wakeLeaders) wake();
    return promise;
  }

  /**
   * Replays the projection's events up to `position` into a schema of its own ("as of"): the same
   * definition as the live model, so a replay can never disagree with it. The caller drops it.
   */
  async replayInto(name: string, schema: string, position: bigint): Promise<void> {
    const definition = this.definitionOf(name);
    await this.sql.exec(createTablesSql(definition, schema));
    const buffer = new DocumentBuffer(definition, schema, true);
    const flush = async () => {
      const { changes } = buffer.take();
      await this.sql.transaction((tx) => buffer.write(tx, changes));
      buffer.trim();
    };
    let after = 0n;
    while (after < position) {
      const events = await this.readEvents(after, definition.eventTypes, position);
      if (events.length === 0) break;
      await buffer.apply(this.sql, events);
      after = events[events.length - 1].position;
      if (buffer.uncommitted.length >= this.commitEvery) await flush();
    }
    await flush();
  }

  private definitionOf(name: string): ProjectionDefinition {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`unknown projection "${name}"`);
    return definition;
  }

  // ---- leading: one process per projection ----

  /** @param attempted called once the first attempt to lead is over: lost, failed, or its generations enlisted */
  private async lead(definition: ProjectionDefinition, attempted: () => void): Promise<void> {
    while (!this.stopped) {
      let session: ReservedSession | undefined;
      try {
        session = await this.sql.reserve();
        const [{ locked }] = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
          LOCK_CLASS,
          definition.name,
        ]);
        if (locked) {
          this.log(`projection ${definition.name}: this process projects it`);
          try {
            await this.project(definition, attempted);
          } finally {
            await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, definition.name]).catch(() => undefined);
          }
        }
      } catch (error) {
        if (error instanceof ProjectionFailedError) this.failures.set(definition.name, { message: error.message, since: new Date() });
        if (!(error instanceof LostLeadershipError) && !this.stopped)
          this.log(`projection ${definition.name}: ${(error as Error).message}; retrying in ${this.lockRetryMs} ms`);
      } finally {
        attempted();
        await session?.release();
      }
      await this.pause(this.lockRetryMs);
    }
  }

  /** Holding the lock: make sure a generation of the current version exists, and run every live generation. */
  private async project(definition: ProjectionDefinition, enlisted: () => void): Promise<void> {
    await this.dropRetired(definition.name);
    const generations = await this.generationsOf(definition.name);
    const current = generations.find((g) => g.state === 'active');
    let building = generations.find((g) => g.state === 'building');
    if (building && building.version !== definition.version) {
      await this.retire(building);
      building = undefined;
    }
    if (current?.version !== definition.version && !building) building = await this.createGeneration(definition, generations);

    const runs = new Set<Promise<void>>();
    const halt = { requested: false };
    const run = (generation: Generation) => {
      const task = this.runGeneration(definition, generation, halt).finally(() => runs.delete(task));
      runs.add(task);
    };
    if (current) run(current);
    if (building) run(building);
    enlisted();
    try {
      while (!this.stopped && runs.size > 0) {
        // A rebuild asked for while we lead starts a new generation beside the running ones.
        const buildingNow = [...this.generationsRunning].some((g) => g.name === definition.name && g.state === 'building');
        if (this.rebuilds.has(definition.name) && !buildingNow)
          run(await this.createGeneration(definition, await this.generationsOf(definition.name)));
        await Promise.race([...runs, this.pause(this.lockRetryMs)]);
      }
    } finally {
      // One generation failing (a lost connection) stops them all: the next leader starts clean.
      halt.requested = true;
      await Promise.allSettled([...runs]);
    }
  }

  /** Runs a generation in a lane until it is retired, halted or the engine stops; rejects if its lane fails. */
  private runGeneration(definition: ProjectionDefinition, generation: Generation, halt: { requested: boolean }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.enlist({
        definition,
        generation,
        halt,
        buffer: bufferFrom(generation, definition),
        applied: 0,
        started: Date.now(),
        resolve,
        reject,
      });
    });
  }

  /** Into a lane that has applied exactly up to the generation's checkpoint, or a lane of its own. */
  private enlist(member: Member): void {
    this.generationsRunning.add(member.generation);
    const lane = [...this.lanes].find((l) => l.read === member.generation.checkpoint && !l.closing);
    if (lane) {
      lane.joining.push(member);
      lane.wake();
      return;
    }
    const fresh: Lane = {
      read: member.generation.checkpoint,
      members: new Set(),
      joining: [member],
      parked: false,
      closing: false,
      wake: () => undefined,
    };
    this.lanes.add(fresh);
    this.track(this.runLane(fresh));
  }

  /**
   * One read of the log, one apply per member and one transaction for all members' documents and
   * checkpoints: projections that stand at the same position share the work of following the log.
   * While catching up, a commit runs while the next events are read and applied; never two at once.
   */
  private async runLane(lane: Lane): Promise<void> {
    let committing: Promise<void> | undefined;
    const committed = async () => {
      if (committing) await committing.finally(() => (committing = undefined));
      for (const member of lane.members) member.buffer.trim();
    };
    let uncommitted = 0;
    let knownHead: bigint | undefined;
    let prefetch: Promise<{ head: bigint; events: RecordedEvent[] }> | undefined;
    let roundStarted = 0;
    try {
      await this.gate;
      for (;;) {
        for (const member of lane.joining.splice(0)) {
          if (member.generation.checkpoint !== lane.read) {
            this.enlist(member);
            continue;
          }
          lane.members.add(member);
          // The batch read ahead may lack the newcomer's event types.
          await prefetch?.catch(() => undefined);
          prefetch = undefined;
        }
        for (const member of lane.members) {
          if (!this.stopped && !member.halt.requested && member.generation.state !== 'retired') continue;
          lane.members.delete(member);
          this.generationsRunning.delete(member.generation);
          member.resolve();
        }
        if (lane.members.size === 0) break;

        // Several projections together handle nearly every type: reading the log unfiltered is cheaper than filtering it.
        const types = lane.members.size === 1 ? [...lane.members][0].definition.eventTypes : undefined;
        roundStarted = performance.now();
        const next = prefetch ?? this.readAfter(lane.read, types, knownHead);
        prefetch = knownHead = undefined;
        const { head, events } = await next;
        const caughtUp = events.length < this.batchSize;
        const last = events.length > 0 ? events[events.length - 1].position : lane.read;
        // Positions are gap-free and handed out in commit order: a short batch read after `head` saw everything up to it.
        lane.read = caughtUp && head > last ? head : last;
        // Catching up: the next batch is read while this one is applied.
        if (!caughtUp) prefetch = this.readAfter(lane.read, types);
        for (const member of lane.members) {
          const mine = events.filter((event) => handles(member.definition, event.type));
          if (mine.length > 0)
            await member.buffer
              .apply(this.sql, mine)
              .catch(failedAs(member, `applying the events after position ${mine[0].position - 1n}`));
        }
        uncommitted += events.length;
        const behind = [...lane.members].some((m) => m.generation.checkpoint < lane.read);
        if (behind && (caughtUp || uncommitted >= this.commitEvery)) {
          await committed();
          committing = this.commitLane([...lane.members], lane.read);
          committing.catch(() => undefined); // handled when awaited; this only keeps a failure from going unobserved meanwhile
          uncommitted = 0;
          if (caughtUp) await committed();
        }
        if (!caughtUp) continue;
        for (const member of lane.members) if (member.generation.state === 'building') await this.activated(member);
        if (this.mergeInto(lane)) break;
        knownHead = await this.parked(lane);
        // Following a busy log, a round per append would cost more than the appends: let a few gather.
        const gathering = roundStarted + this.roundIntervalMs - performance.now();
        if (gathering > 0 && knownHead !== undefined) await sleep(gathering);
      }
    } catch (error) {
      lane.closing = true;
      const culprit = error instanceof ProjectionFailedError ? error.projection : undefined;
      for (const member of [...lane.members, ...lane.joining.splice(0)]) {
        if (culprit !== undefined && member.generation.name !== culprit) {
          // Not its fault: it starts again from its committed checkpoint at once, in a lane without the culprit.
          this.generationsRunning.delete(member.generation);
          this.enlist({ ...member, buffer: bufferFrom(member.generation, member.definition) });
          continue;
        }
        // Its own failure, or one nobody can be blamed for (a lost connection, lost leadership): its leader starts clean.
        this.generationsRunning.delete(member.generation);
        member.reject(error as Error);
      }
      lane.members.clear();
    } finally {
      lane.closing = true;
      await committing?.catch(() => undefined);
      await prefetch?.catch(() => undefined);
      this.lanes.delete(lane);
      // A member that joined while this lane was closing needs another lane.
      for (const member of lane.joining.splice(0)) this.enlist(member);
    }
  }

  /** A caught-up lane hands its members to a parked lane at the same position, so they share the work from now on. */
  private mergeInto(lane: Lane): boolean {
    const other = [...this.lanes].find((l) => l !== lane && l.parked && !l.closing && l.read === lane.read);
    if (!other) return false;
    lane.closing = true;
    other.joining.push(...lane.members);
    lane.members.clear();
    other.wake();
    return true;
  }

  /** Waits for an append after the lane's position (or a joiner, or the engine stopping); resolves to the head seen. */
  private async parked(lane: Lane): Promise<bigint | undefined> {
    lane.parked = true;
    try {
      let wake!: () => void;
      const woken = new Promise<undefined>((resolve) => (wake = () => resolve(undefined)));
      lane.wake = wake;
      if (this.stopped || lane.joining.length > 0) return undefined;
      return await Promise.race([this.store.waitForHead(lane.read, this.idleWaitMs), woken]);
    } finally {
      lane.parked = false;
      lane.wake = () => undefined;
    }
  }

  /** A building generation that reached the head becomes the one queries read. */
  private async activated(member: Member): Promise<void> {
    const { definition, generation } = member;
    await this.activate(generation);
    const result = {
      name: definition.name,
      generation: generation.generation,
      events: member.applied,
      checkpoint: generation.checkpoint,
      ms: Date.now() - member.started,
    };
    this.log(`projection ${definition.name}: generation ${generation.generation} active after ${member.applied} events in ${result.ms} ms`);
    this.rebuilds.get(definition.name)?.resolve(result);
  }

  /** The head, then the next batch after `after` (of these event types, if given); the head first: see the caller. */
  private async readAfter(
    after: bigint,
    eventTypes: readonly string[] | undefined,
    knownHead?: bigint,
  ): Promise<{ head: bigint; events: RecordedEvent[] }> {
    const head = knownHead ?? (await this.store.headPosition());
    return { head, events: await this.readEvents(after, eventTypes) };
  }

  private async readEvents(after: bigint, eventTypes: readonly string[] | undefined, until?: bigint): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readAll({ after, eventTypes, batchSize: this.batchSize, maxCount: this.batchSize })) {
      if (until !== undefined && event.position > until) break;
      events.push(event);
    }
    return events;
  }

  /** Writes every member's changed documents and their checkpoints in one transaction. */
  private async commitLane(members: Member[], checkpoint: bigint): Promise<void> {
    const taken = members.map((member) => ({ member, ...member.buffer.take() }));
    const written = await this.sql.transaction(async (tx) => {
      // The row locks are the last line of defence if two processes ever believed they held an advisory lock.
      const rows = await tx.query<{ name: string; generation: number; checkpoint: bigint; state: GenerationState }>(
        `SELECT p.name, p.generation, p.checkpoint, p.state FROM kring_projections p
           JOIN unnest($1::text[], $2::integer[]) AS m(name, generation) USING (name, generation)
         FOR UPDATE OF p`,
        [members.map((m) => m.generation.name), members.map((m) => m.generation.generation)],
      );
      const live: typeof taken = [];
      for (const entry of taken) {
        const { generation } = entry.member;
        const row = rows.find((r) => r.name === generation.name && r.generation === generation.generation);
        if (row?.state === 'retired') generation.state = 'retired';
        else if (!row || row.checkpoint !== generation.checkpoint) throw new LostLeadershipError();
        else live.push(entry);
      }
      if (live.length === 0) return live;
      for (const { member, changes } of live)
        await member.buffer.write(tx, changes).catch(failedAs(member, `writing its documents up to position ${checkpoint}`));
      const names = live.map(({ member }) => member.generation.name);
      const generations = live.map(({ member }) => member.generation.generation);
      await tx.query(
        `UPDATE kring_projections p SET checkpoint = $3
           FROM unnest($1::text[], $2::integer[]) AS m(name, generation)
          WHERE p.name = m.name AND p.generation = m.generation`,
        [names, generations, checkpoint.toString()],
      );
      await tx.query('SELECT pg_notify($1, status) FROM unnest($2::text[]) AS status', [
        STATUS_CHANNEL,
        live.map(({ member }) => statusPayload({ ...member.generation, checkpoint })),
      ]);
      return live;
    });
    for (const { member, events } of written) {
      const { generation } = member;
      this.failures.delete(generation.name);
      const before = member.applied;
      generation.checkpoint = checkpoint;
      member.applied += events.length;
      this.onBatch?.({ name: generation.name, generation: generation.generation, checkpoint, events: events.length });
      if (generation.state === 'building' && Math.floor(member.applied / 100_000) > Math.floor(before / 100_000))
        this.log(`projection ${generation.name} generation ${generation.generation}: ${member.applied} events, at ${checkpoint}`);
      if (generation.state === 'active') {
        this.active.set(generation.name, generation);
        if (events.length > 0) for (const listener of this.listeners) listener(generation.name, events);
      }
    }
    this.notifyWaiters();
  }

  // ---- generations ----

  private async generationsOf(name: string): Promise<Generation[]> {
    const rows = await this.sql.query<GenerationRow>(
      'SELECT name, generation, version, checkpoint, state FROM kring_projections WHERE name = $1 ORDER BY generation',
      [name],
    );
    return rows.map((row) => ({ ...row }));
  }

  private async createGeneration(definition: ProjectionDefinition, existing: Generation[]): Promise<Generation> {
    const generation: Generation = {
      name: definition.name,
      generation: Math.max(0, ...existing.map((g) => g.generation)) + 1,
      version: definition.version,
      checkpoint: 0n,
      state: 'building',
    };
    await this.sql.transaction(async (tx) => {
      await tx.exec(createTablesSql(definition, schemaOf(generation.name, generation.generation)));
      await tx.query('INSERT INTO kring_projections (name, generation, version, checkpoint, state) VALUES ($1, $2, $3, 0, $4)', [
        generation.name,
        generation.generation,
        generation.version,
        generation.state,
      ]);
    });
    this.log(`projection ${definition.name}: building generation ${generation.generation} (version ${definition.version})`);
    return generation;
  }

  /** The switch: one transaction retires the old generation and activates the new; queries follow at once. */
  private async activate(generation: Generation): Promise<void> {
    const previous = this.active.get(generation.name);
    await this.sql.transaction(async (tx) => {
      await tx.query(`UPDATE kring_projections SET state = 'retired' WHERE name = $1 AND state = 'active'`, [generation.name]);
      await tx.query(`UPDATE kring_projections SET state = 'active' WHERE name = $1 AND generation = $2`, [
        generation.name,
        generation.generation,
      ]);
      await tx.query('SELECT pg_notify($1, $2)', [STATUS_CHANNEL, statusPayload({ ...generation, state: 'active' })]);
    });
    generation.state = 'active';
    this.active.set(generation.name, generation);
    this.notifyWaiters();
    if (previous && previous !== generation) {
      previous.state = 'retired';
      // Queries that resolved the old schema a moment ago may still be reading it.
      this.later(RETIRED_GRACE_MS, () => this.dropRetired(generation.name));
    }
  }

  private async retire(generation: Generation): Promise<void> {
    await this.sql.query(`UPDATE kring_projections SET state = 'retired' WHERE name = $1 AND generation = $2`, [
      generation.name,
      generation.generation,
    ]);
    generation.state = 'retired';
  }

  private async dropRetired(name: string): Promise<void> {
    const retired = (await this.generationsOf(name)).filter((g) => g.state === 'retired');
    for (const generation of retired) {
      await this.sql.transaction(async (tx) => {
        await tx.exec(`DROP SCHEMA IF EXISTS ${schemaOf(name, generation.generation)} CASCADE`);
        await tx.query('DELETE FROM kring_projections WHERE name = $1 AND generation = $2', [name, generation.generation]);
      });
    }
  }

  // ---- status shared between processes ----

  private async refreshStatus(): Promise<void> {
    const rows = await this.sql.query<GenerationRow>(
      `SELECT name, generation, version, checkpoint, state FROM kring_projections WHERE state = 'active'`,
    );
    for (const row of rows) if (this.definitions.has(row.name)) this.active.set(row.name, { ...row });
    this.notifyWaiters();
  }

  /** Another process (or this one) committed a batch or switched generations. */
  private onStatus(payload: string): void {
    if (payload === '') {
      // The listening connection was re-established: anything may have happened meanwhile.
      void this.refreshStatus().catch(() => undefined);
      return;
    }
    const status = JSON.parse(payload) as { name: string; generation: number; version: number; checkpoint: string; state: GenerationState };
    if (status.state !== 'active' || !this.definitions.has(status.name)) return;
    const known = this.active.get(status.name);
    const checkpoint = BigInt(status.checkpoint);
    if (known && known.generation === status.generation && known.checkpoint >= checkpoint) return;
    if (known && known.generation > status.generation) return;
    this.active.set(status.name, { ...status, checkpoint, state: 'active' });
    this.notifyWaiters();
  }

  private notifyWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }

  // ---- small helpers ----

  private track(task: Promise<unknown>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private later(ms: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) this.track(work().catch((error: Error) => this.log(`projection cleanup: ${error.message}`)));
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const wake = () => {
        clearTimeout(timer);
        this.wakeLeaders.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeLeaders.add(wake);
    });
  }
}

/** A buffer for a generation as committed: documents and checkpoint commit together, so at checkpoint 0 its tables are empty. */
function bufferFrom(generation: Generation, definition: ProjectionDefinition): DocumentBuffer<RecordedEvent> {
  return new DocumentBuffer<RecordedEvent>(definition, schemaOf(generation.name, generation.generation), generation.checkpoint === 0n);
}

function failedAs(member: Member, doing: string): (error: unknown) => never {
  return (error) => {
    throw new ProjectionFailedError(member.generation.name, doing, error);
  };
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (!done) action();
    done = true;
  };
}

function statusPayload(generation: Generation): string {
  return JSON.stringify({ ...generation, checkpoint: generation.checkpoint.toString() });
}
