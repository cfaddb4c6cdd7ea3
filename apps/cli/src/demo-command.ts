import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventStore } from '@kring/event-store';
import { describeEventStoreConfig, eventStoreConfigFromEnv } from '@kring/event-store';
import { AppModule } from '../../api/src/app.module';
import { countDemoMutations, loadDemo } from '../../api/src/demo/demo-loader';
import type { DemoOptions } from '../../api/src/demo/demo-history';
import { EVENT_STORE } from '../../api/src/event-store/event-store.module';
import { DateScalar } from '../../api/src/graphql/scalars';
import { httpAdapter } from '../../api/src/http-adapter';
import { progress } from './progress';
import { scalarOption, UsageError } from './usage-error';

const wholeNumber = (name: string, text: string, min: number, max: number): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new UsageError(`--${name} is a whole number from ${min} to ${max}; got "${text}"`);
  return value;
};

/** The demo's options from the command line; `today` is the default last day of the history. */
export function demoOptions(values: { networks?: string; years?: string; seed?: string; until?: string }, today: string): DemoOptions {
  const years = Number(values.years ?? '1');
  if (!(years >= 0.25 && years <= 10)) throw new UsageError(`--years is from 0.25 to 10; got "${values.years}"`);
  const until = scalarOption(DateScalar, 'until', values.until ?? today);
  return {
    networks: wholeNumber('networks', values.networks ?? '8', 1, 10_000),
    years,
    seed: wholeNumber('seed', values.seed ?? '1', 0, 2 ** 32 - 1),
    until,
  };
}

/**
 * `kring demo`: starts the API in this process (no port) on the configured store and writes the
 * history through it. Only into an empty store: a demo mixed into real records would spoil both.
 */
export async function runDemo(options: DemoOptions, say: (text: string) => void): Promise<void> {
  // The API started here serves only this command: its per-user rate limit would only slow the demo down.
  process.env.KRING_RATE_LIMIT = '999999999';
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, httpAdapter(), { logger: ['error', 'warn'] });
  try {
    await app.init();
    const held = await app.get<EventStore>(EVENT_STORE).headPosition();
    if (held > 0n)
      throw new Error(
        `the store (${describeEventStoreConfig(eventStoreConfigFromEnv())}) already holds ${held} events; the demo goes into an empty one (another KRING_DATA_DIR, or a new database)`,
      );
    const bar = progress('demo', 'mutations', await countDemoMutations(options));
    const started = Date.now();
    const sent = await loadDemo(app, options, bar.update);
    bar.stop();
    say(
      `Demo written: ${options.networks} networks over ${options.years} year(s) up to ${options.until} (seed ${options.seed}), ${sent} mutations in ${((Date.now() - started) / 1000).toFixed(1)} s, log head ${await app.get<EventStore>(EVENT_STORE).headPosition()}.`,
    );
  } finally {
    await app.close();
  }
}
