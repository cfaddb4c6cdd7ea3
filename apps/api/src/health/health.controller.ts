import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { EventStore } from '@kring/event-store';
import { EVENT_STORE } from '../event-store/event-store.module';
import { ReadModels } from '../read-models/read-models';

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

/**
 * Each projection's checkpoint, and the error of one this process leads that keeps failing (say, on an event it
 * cannot apply). Reported, not a reason for 503: commands still work, and the other read models still follow the log.
 */
@Injectable()
export class ReadModelsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly readModels: ReadModels,
  ) {}

  check(key: string) {
    return this.health.check(key).up({ projections: this.readModels.engine.statusReport() });
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventLog: EventLogHealthIndicator,
    private readonly readModels: ReadModelsHealthIndicator,
  ) {}

  /** 200 with the adapter, the head of the log and the projections' checkpoints when the log answers, 503 otherwise. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.eventLog.check('eventLog'), () => this.readModels.check('readModels')]);
  }
}
