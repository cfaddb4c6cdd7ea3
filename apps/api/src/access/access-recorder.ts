import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { accessEventSchemas, AccessRead, recordAccess } from '@kring/domain';
import type { EventStore } from '@kring/event-store';
import { PersonalDataCipher } from '@kring/privacy';
import DataLoader from 'dataloader';
import { callerOf } from '../auth/caller';
import { EventProvenance } from '../commands/command-context';
import { encodeEvents } from '../commands/streams';
import { EVENT_STORE } from '../event-store/event-store.module';

type Read = Omit<AccessRead, 'outcome'>;

/**
 * Records every read of a person's data before the data leaves (NEN 7513), and every refused
 * operation: a resolver awaits `reading(…)` and only then returns the value, so a read that could not
 * be logged is not answered. The reads of one tick of a response go to the log in one append
 * (DataLoader's batch), in a stream per request. Batching only, no cache: a subscription's context
 * lives for hours and each push is a read.
 */
@Injectable()
export class AccessRecorder {
  private readonly perRequest = new WeakMap<object, DataLoader<AccessRead, bigint>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly cipher: PersonalDataCipher,
    private readonly provenance: EventProvenance,
  ) {}

  /** Resolves to the log position of the record once the read is in the log. */
  reading(request: object, read: Read): Promise<bigint> {
    return this.loaderFor(request).load({ ...read, outcome: 'SUCCESS' });
  }

  /** Records an operation the caller was refused (what it would have read or done, and to whom). */
  refused(request: object, read: Read): Promise<bigint> {
    return this.loaderFor(request).load({ ...read, outcome: 'DENIED' });
  }

  private loaderFor(request: object): DataLoader<AccessRead, bigint> {
    let loader = this.perRequest.get(request);
    if (!loader) {
      const streamId = `access-${randomUUID()}`;
      loader = new DataLoader<AccessRead, bigint>(
        async (reads) => {
          const caller = callerOf(request);
          const events = await encodeEvents(
            this.cipher,
            recordAccess({ actor: caller.actor, purpose: caller.purpose, reads }),
            accessEventSchemas,
            randomUUID,
            this.provenance.metadataOf(caller),
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
