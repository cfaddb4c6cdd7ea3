import { Injectable } from '@nestjs/common';
import type { EventMetadata } from '@kring/event-store';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { v5 as uuidv5 } from 'uuid';
import type { Caller } from '../auth/caller';
import type { AuthenticatedActor } from '../auth/token-verifier';

/** What a command carries besides its own fields: it ends up in every event's metadata. */
export interface CommandContext {
  actor: AuthenticatedActor;
  /** The client's idempotency key, or a fresh id when the client sent none. */
  commandId: string;
  correlationId: string;
  /** Why the actor does this (the access log's purpose). */
  purpose: string;
}

/** Fixed namespace for ids derived from command ids (any constant uuid works; this one is Kring's). */
const KRING_NAMESPACE = '6f0c1a52-3c1e-4f0b-9d55-6b72696e6700';

/**
 * The id source of the command side. Resources a command creates (a network, a meeting, a referral) get
 * ids derived from the client's commandId, so a retried command names the same resource and finds that it
 * already happened; without a commandId they get random ids.
 */
@Injectable()
export class IdSource {
  begin(
    caller: Caller,
    mutation: string,
    clientCommandId: string | undefined,
  ): { context: CommandContext; newId: (purpose: string) => string } {
    const context: CommandContext = {
      actor: caller.actor,
      correlationId: caller.correlationId,
      purpose: caller.purpose,
      commandId: clientCommandId ?? randomUUID(),
    };
    const newId = (purpose: string): string =>
      clientCommandId ? uuidv5(`${mutation}/${clientCommandId}/${purpose}`, KRING_NAMESPACE) : randomUUID();
    return { context, newId };
  }

  eventId(): string {
    return randomUUID();
  }
}

/** The system that records events (NEN 7513's source): KRING_SOURCE_SYSTEM, or this API on this host. */
const SOURCE_SYSTEM = process.env.KRING_SOURCE_SYSTEM?.trim() || `kring-api@${hostname()}`;

/** What every event this API appends carries besides its data: who, why, in which request, from which system. */
export function metadataOf(
  { actor, correlationId, purpose }: Pick<Caller, 'actor' | 'correlationId' | 'purpose'>,
  more: EventMetadata = {},
): EventMetadata {
  return { actorId: actor.id, actorRoles: [...actor.roles], correlationId, purpose, source: SOURCE_SYSTEM, ...more };
}
