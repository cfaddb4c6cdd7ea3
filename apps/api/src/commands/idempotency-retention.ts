import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { EventStore } from '@kring/event-store';
import { Clock } from '../clock/clock.module';
import { EVENT_STORE } from '../event-store/event-store.module';
import { settingsFrom } from '../settings';

const PRUNE_EVERY_MS = 10 * 60_000;

/** How long a commandId is remembered, from KRING_IDEMPOTENCY_HOURS (default 24, as payment APIs do). */
export const idempotencyHoursFromEnv = (env: NodeJS.ProcessEnv = process.env): number => settingsFrom(env).KRING_IDEMPOTENCY_HOURS;

/**
 * Forgets idempotency keys older than their retention, at start and every ten minutes, so the store
 * remembers at most the keys of that window: a key is remembered for at least KRING_IDEMPOTENCY_HOURS
 * and at most ten minutes longer. After that the same commandId is a new request (its ids still follow
 * from the whole request, so a repeat names the same resources and the methods' rules refuse it).
 */
@Injectable()
export class IdempotencyRetention implements OnApplicationBootstrap, OnModuleDestroy {
  readonly hours = idempotencyHoursFromEnv();
  private readonly logger = new Logger('Idempotency');
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    void this.prune();
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async prune(): Promise<number> {
    try {
      return await this.store.forgetIdempotencyKeys(new Date(this.clock.now().getTime() - this.hours * 3_600_000));
    } catch (error) {
      this.logger.warn(`idempotency keys not pruned now (${(error as Error).name}); next try in ten minutes`);
      return 0;
    }
  }
}
