import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventLogHealthIndicator, HealthController, ReadModelsHealthIndicator } from './health.controller';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [EventLogHealthIndicator, ReadModelsHealthIndicator],
})
export class HealthModule {}
