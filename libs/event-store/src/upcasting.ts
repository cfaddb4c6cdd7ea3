import type { JsonObject, RecordedEvent } from './event-store';

/**
 * Moves one stored schema version of an event type one step forward. Stored events are never
 * rewritten: every read path passes events through the chain, so deciders and projections only
 * ever see the newest version.
 */
export interface Upcaster {
  type: string;
  /** The version this upcaster reads; it produces fromVersion + 1. */
  fromVersion: number;
  upcast(data: JsonObject, event: Readonly<RecordedEvent>): JsonObject;
}

export class Upcasters {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) {
      const key = Upcasters.key(upcaster.type, upcaster.fromVersion);
      if (this.byKey.has(key)) throw new Error(`Two upcasters registered for ${upcaster.type} v${upcaster.fromVersion}`);
      this.byKey.set(key, upcaster);
    }
  }

  apply(event: RecordedEvent): RecordedEvent {
    let current = event;
    for (;;) {
      const upcaster = this.byKey.get(Upcasters.key(current.type, current.version));
      if (!upcaster) return current;
      current = { ...current, version: current.version + 1, data: upcaster.upcast(current.data, current) };
    }
  }

  get isEmpty(): boolean {
    return this.byKey.size === 0;
  }

  private static key(type: string, version: number): string {
    return `${type}\u0000${version}`;
  }
}
