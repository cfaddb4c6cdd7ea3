import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventStore } from '@kring/event-store';
import { Clock } from '../clock/clock.module';
import { EVENT_STORE } from '../event-store/event-store.module';
import type { DemoOptions } from './demo-history';
import { loadDemo } from './demo-loader';

import { settingsFrom } from '../settings';
/** The demo a first start shows: one network of each method, a year up to today. */
const FIRST_START_DEMO = { networks: 4, years: 1, seed: 1 };

/**
 * On an empty store, `npm start` loads a small demo so a new user sees data at once. KRING_DEMO=off
 * starts without it; in production (NODE_ENV=production) it is off unless KRING_DEMO=on, since demo
 * people must never mix with real ones. Answers the load under way (`written`: it runs while the API
 * serves), or undefined when there is none.
 */
export async function loadDemoOnFirstStart(
  app: NestFastifyApplication,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ written: Promise<number> } | undefined> {
  const setting = settingsFrom(env).KRING_DEMO ?? (env.NODE_ENV === 'production' ? 'off' : 'on');
  if (setting === 'off' || (await app.get<EventStore>(EVENT_STORE).headPosition()) > 0n) return undefined;
  const logger = new Logger('Demo');
  const options: DemoOptions = { ...FIRST_START_DEMO, until: app.get(Clock).today() };
  logger.log(
    `The store is empty: writing a demo (${options.networks} networks, a year up to ${options.until}); KRING_DEMO=off starts without it`,
  );
  const started = Date.now();
  const written = loadDemo(app, options).then(
    (sent) => {
      logger.log(`Demo written: ${sent} mutations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return sent;
    },
    (error: Error) => {
      logger.error(`The demo could not be written: ${error.message}`);
      throw error;
    },
  );
  return { written };
}
