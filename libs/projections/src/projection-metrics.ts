import { Gauge, type Registry } from 'prom-client';
import type { EventStore } from '@kring/event-store';
import type { ProjectionEngine } from './projection-engine';

/**
 * The projections' state in Prometheus form, read at each scrape: where the log's head is, where each
 * projection stands, how far behind it is, and whether this process leads it. The lag is in positions:
 * events on the SQL stores; on EventStoreDB positions are offsets, so watch it return to 0.
 */
export function registerProjectionMetrics(registry: Registry, engine: ProjectionEngine, store: EventStore): void {
  const labelNames = ['projection'] as const;
  const registers = [registry];
  new Gauge({
    name: 'kring_log_head_position',
    help: 'Position of the last event in the log',
    registers,
    async collect() {
      this.set(Number(await store.headPosition()));
    },
  });
  // Gauges are collected side by side: the lag reads the head itself.
  new Gauge({
    name: 'kring_projection_lag_positions',
    help: 'Head of the log minus the checkpoint: 0 when caught up',
    labelNames,
    registers,
    async collect() {
      const head = await store.headPosition();
      for (const { name, checkpoint } of engine.status())
        this.set({ projection: name }, Number(checkpoint < 0n ? head : head > checkpoint ? head - checkpoint : 0n));
    },
  });
  const perProjection = (name: string, help: string, value: (status: ReturnType<ProjectionEngine['status']>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        for (const status of engine.status()) this.set({ projection: status.name }, value(status));
      },
    });
  perProjection('kring_projection_checkpoint', 'Position up to which the active generation has applied the log (-1: none yet)', (s) =>
    Number(s.checkpoint),
  );
  perProjection('kring_projection_leader', '1 where this process leads (builds) the projection, else 0', (s) => (s.leading ? 1 : 0));
  perProjection('kring_projection_failing', '1 while the projection led here fails on every retry', (s) => (s.failing ? 1 : 0));
}
