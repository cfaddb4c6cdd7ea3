import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { accessEventVersions, AccessRead, recordAccess } from '@kring/domain';
import type { EventStore } from '@kring/event-store';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { Caller } from '../auth/auth.guard';
import type { Role } from '../auth/role';
import { encodeEvent } from '../commands/streams';
import { EVENT_STORE } from '../event-store/event-store.module';

type Read = Omit<AccessRead, 'outcome'>;

/**
 * Records every read of a person's data before the data leaves (NEN 7513): a resolver awaits
 * `reading(…)` and only then returns the value, so a read that could not be logged is not answered.
 * The reads of one tick of a response go to the log in one append (DataLoader's batch), in a stream
 * per request. Batching only, no cache: a subscription's context lives for hours and each push is a read.
 */
@Injectable()
export class AccessRecorder {
  private readonly perRequest = new WeakMap<object, DataLoader<AccessRead, bigint>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Resolves to the log position of the record once the read is in the log. */
  reading(request: object, read: Read): Promise<bigint> {
    return this.loaderFor(request).load({ ...read, outcome: 'SUCCESS' });
  }

  /** Refuses (FORBIDDEN) a caller without `role`, after recording the refused read. */
  async requireRole(request: object, role: Role, read: Read): Promise<void> {
    if (callerOf(request).actor.roles.includes(role)) return;
    await this.loaderFor(request).load({ ...read, outcome: 'DENIED' });
    throw new GraphQLError(`only an ${role} may read ${read.what}`, { extensions: { code: 'FORBIDDEN' } });
  }

  private loaderFor(request: object): DataLoader<AccessRead, bigint> {
    let loader = this.perRequest.get(request);
    if (!loader) {
      const streamId = `access-${randomUUID()}`;
      loader = new DataLoader<AccessRead, bigint>(
        async (reads) => {
          const { actor, correlationId, purpose } = callerOf(request);
          const metadata = { actorId: actor.id, actorRoles: [...actor.roles], correlationId, purpose };
          const events = recordAccess({ actor, purpose, reads }).map((event) =>
            encodeEvent(event, accessEventVersions[event.type], randomUUID(), metadata),
          );
          const { position } = await this.store.appendToStream(streamId, events, { expectedRevision: 'any' });
          return reads.map(() => position);
        },
        { cache: false },
      );
      this.perRequest.set(request, loader);
    }
    return loader;
  }
}

function callerOf(request: object): Caller {
  const caller = (request as { caller?: Caller }).caller;
  if (!caller) throw new Error('a read of personal data outside an authenticated request');
  return caller;
}
