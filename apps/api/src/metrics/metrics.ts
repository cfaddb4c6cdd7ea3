import { Controller, Get, Global, Header, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import type { EventStore } from '@kring/event-store';
import { registerProjectionMetrics } from '@kring/projections';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { EVENT_STORE } from '../event-store/event-store.module';
import { ReadModels } from '../read-models/read-models';

/** How a command ended, as the metrics label it. */
export type CommandOutcomeLabel = 'accepted' | 'refused' | 'contention' | 'failed';

// Finer around 25 ms, where the command path's p99 target lies (issue 14).
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.035, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * This process's metrics in Prometheus form (prom-client): commands by type and outcome with their
 * latency, HTTP requests by route with theirs, appends to the log, the projections (projection-metrics.ts)
 * and Node's own process figures (event loop delay, collector).
 */
@Injectable()
export class Metrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly commands = new Counter({
    name: 'kring_commands_total',
    help: 'Commands handled, by command type and outcome',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly commandSeconds = new Histogram({
    name: 'kring_command_duration_seconds',
    help: 'Time from a command reaching its handler until it was answered, by command type and outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly appendSeconds = new Histogram({
    name: 'kring_append_duration_seconds',
    help: "Time of one append to the log (a command's events), by adapter and outcome",
    labelNames: ['adapter', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  // A request's whole stay in this process, next to its command's: what a client waits for beyond the handler
  // is HTTP, GraphQL and the queue for the event loop.
  private readonly requestSeconds = new Histogram({
    name: 'kring_http_request_duration_seconds',
    help: 'Time from Fastify routing a request until its response was sent, by route (the route\'s pattern; "unmatched" for none)',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    readModels: ReadModels,
    private readonly http: HttpAdapterHost<FastifyAdapter>,
  ) {
    collectDefaultMetrics({ register: this.registry });
    registerProjectionMetrics(this.registry, readModels.engine, store);
  }

  onModuleInit(): void {
    this.http.httpAdapter.getInstance().addHook('onResponse', (request, reply, done) => {
      this.requestSeconds.observe({ route: request.routeOptions.url ?? 'unmatched' }, reply.elapsedTime / 1000);
      done();
    });
  }

  /** Starts timing a command; call the answer with how it ended. */
  command(command: string): (outcome: CommandOutcomeLabel) => void {
    const end = this.commandSeconds.startTimer({ command });
    return (outcome) => {
      end({ outcome });
      this.commands.inc({ command, outcome });
    };
  }

  /** Starts timing an append; call the answer with whether it was stored. */
  append(): (outcome: 'stored' | 'refused') => void {
    const end = this.appendSeconds.startTimer({ adapter: this.store.adapter });
    return (outcome) => end({ outcome });
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  /** For Prometheus to scrape; like /health it names no person and takes no token (keep it on the internal network). */
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@Global()
@Module({ controllers: [MetricsController], providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
