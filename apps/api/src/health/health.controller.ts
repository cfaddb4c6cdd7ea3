import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { EventStore } from '@kring/event-store';
import { EVENT_STORE } from '../event-store/event-store.module';

@Injectable()
export class EventLogHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async check(key: string) {
    const indicator = this.health.check(key);
    try {
      const head = await this.store.headPosition();
      return indicator.up({ adapter: this.store.adapter, headPosition: head.toString() });
    } catch (error) {
      return indicator.down({ adapter: this.store.adapter, message: (error as Error).message });
    }
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventLog: EventLogHealthIndicator,
  ) {}

  /** 200 with the adapter and the head of the log when the log answers, 503 otherwise. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.eventLog.check('eventLog')]);
  }
}
