import { Global, Module } from '@nestjs/common';
import type { EventStore, SqlDriver } from '@kring/event-store';
import { EVENT_STORE, SQL_DRIVER } from '../event-store/event-store.module';
import { AccessLogVerifier } from './access-log-verifier';
import { AccessRecorder } from './access-recorder';
import { AccessQueries } from './access.queries';
import { PersonalData } from './personal-data';

/** The access log (NEN 7513): the recorder every read of personal data goes through, and the auditor's queries. */
@Global()
@Module({
  providers: [
    AccessRecorder,
    PersonalData,
    AccessQueries,
    {
      provide: AccessLogVerifier,
      useFactory: (store: EventStore, sql: SqlDriver) => new AccessLogVerifier(store, sql),
      inject: [EVENT_STORE, SQL_DRIVER],
    },
  ],
  exports: [AccessRecorder, PersonalData],
})
export class AccessModule {}
