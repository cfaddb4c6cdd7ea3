import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventLogHealthIndicator, HealthController } from './health.controller';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [EventLogHealthIndicator],
})
export class HealthModule {}
