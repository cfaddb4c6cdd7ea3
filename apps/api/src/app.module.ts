import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccessModule } from './access/access.module';
import { AuthModule } from './auth/auth.module';
import { AuthorizationModule } from './authorization/authorization.module';
import { ClockModule } from './clock/clock.module';
import { CrudBaselineModule, crudBaselineServed } from './crud-baseline/crud-baseline.module';
import { CommandsModule } from './commands/commands.module';
import { EventStoreModule } from './event-store/event-store.module';
import { GraphqlApiModule } from './graphql/graphql-api.module';
import { HealthModule } from './health/health.module';
import { IdeModule } from './ide/ide.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics';
import { ImpactModule } from './impact/impact.module';
import { NetworkModule } from './network/network.module';
import { ParticipantModule } from './participant/participant.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ReadModelsModule } from './read-models/read-models.module';
import { ReferralModule } from './referral/referral.module';
import { settingsFrom } from './settings';

@Module({
  imports: [
    // The environment only (no .env file): main.ts checked the same settings before anything opened.
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: settingsFrom }),
    LoggingModule,
    ClockModule,
    EventStoreModule,
    PrivacyModule,
    ReadModelsModule,
    MetricsModule,
    AccessModule,
    HealthModule,
    IdeModule,
    AuthModule,
    AuthorizationModule,
    GraphqlApiModule,
    CommandsModule,
    NetworkModule,
    ParticipantModule,
    ReferralModule,
    ImpactModule,
    ...(crudBaselineServed() ? [CrudBaselineModule] : []),
  ],
})
export class AppModule {}
