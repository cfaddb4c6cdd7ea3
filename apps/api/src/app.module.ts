import { Module } from '@nestjs/common';
import { EventStoreModule } from './event-store/event-store.module';
import { HealthModule } from './health/health.module';

@Module({
  imports: [EventStoreModule, HealthModule],
})
export class AppModule {}
