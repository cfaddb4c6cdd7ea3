import { Inject, Injectable } from '@nestjs/common';
import type { Purpose } from '@kring/domain';
import type { EventMetadata, IdempotencyKey } from '@kring/event-store';
import type { MasterKey } from '@kring/privacy';
import { createHmac, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { v5 as uuidv5 } from 'uuid';
import type { Caller } from '../auth/caller';
import type { AuthenticatedActor } from '../auth/token-verifier';
import { MASTER_KEY } from '../privacy/privacy.module';
import { settingsFrom } from '../settings';
import { canonicalJson } from './canonical-json';

/** What a command carries besides its own fields: it ends up in every event's metadata. */
export interface CommandContext {
  actor: AuthenticatedActor;
  /** The client's idempotency key, or a fresh id when the client sent none. */
  commandId: string;
  correlationId: string;
  /** Why the actor does this (the access log's purpose). */
  purpose: Purpose;
  /** With a client's commandId: the key and the fingerprint of this very request (who, which mutation, what input). */
  idempotency?: IdempotencyKey;
}

/** Fixed namespace for ids derived from requests (any constant uuid works; this one is Kring's). */
const KRING_NAMESPACE = '6f0c1a52-3c1e-4f0b-9d55-6b72696e6700';

/**
 * The id source of the command side, and what makes a commandId an idempotency key bound to its request
 * (as payment APIs do): the key's fingerprint covers the caller, the mutation and its whole input, so the
 * same key for anything else is refused. Resources a command creates (a network, a meeting, a referral) get
 * ids derived from the key and that fingerprint: a retry names the same resource, and two requests never
 * share an id, even after their key is forgotten. Without a commandId they get random ids.
 */
@Injectable()
export class IdSource {
  /** Keyed, so a fingerprint (it covers names, for instance) cannot be tried against guesses without the master key. */
  private readonly fingerprintKey: Buffer;

  constructor(@Inject(MASTER_KEY) master: MasterKey) {
    this.fingerprintKey = master.derive('request fingerprint v1');
  }

  begin(
    caller: Caller,
    mutation: string,
    { commandId, ...input }: { commandId?: string } & Record<string, unknown>,
  ): { context: CommandContext; newId: (purpose: string) => string } {
    const fingerprint =
      commandId === undefined
        ? undefined
        : createHmac('sha256', this.fingerprintKey)
            .update(canonicalJson({ actor: caller.actor.id, mutation, input }))
            .digest('base64url');
    const context: CommandContext = {
      actor: caller.actor,
      correlationId: caller.correlationId,
      purpose: caller.purpose,
      commandId: commandId ?? randomUUID(),
      ...(commandId !== undefined && fingerprint ? { idempotency: { key: commandId, fingerprint } } : {}),
    };
    // The key and what it was used for: the same request names the same resource, any other request another one.
    const newId = (purpose: string): string =>
      fingerprint ? uuidv5(`${commandId}/${fingerprint}/${purpose}`, KRING_NAMESPACE) : randomUUID();
    return { context, newId };
  }

  eventId(): string {
    return randomUUID();
  }
}

/** What every event this API appends carries besides its data: who, why, in which request, from which system. */
@Injectable()
export class EventProvenance {
  /** The system that records events (NEN 7513's source): KRING_SOURCE_SYSTEM, or this API on this host. */
  readonly sourceSystem = settingsFrom().KRING_SOURCE_SYSTEM ?? `kring-api@${hostname()}`;

  metadataOf(
    { actor, correlationId, purpose }: Pick<Caller, 'actor' | 'correlationId' | 'purpose'>,
    more: EventMetadata = {},
  ): EventMetadata {
    return { actorId: actor.id, actorRoles: [...actor.roles], correlationId, purpose, source: this.sourceSystem, ...more };
  }
}
