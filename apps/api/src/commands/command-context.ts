import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Caller } from '../auth/auth.guard';
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
