import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadDemoOnFirstStart } from './demo/demo-on-start';
import { httpAdapter } from './http-adapter';
import { type Settings, SettingsError, settingsFrom, unknownSettings } from './settings';

async function bootstrap(): Promise<void> {
  // Every setting is checked before anything opens: a bad one ends the start at once, in one sentence.
  settingsFrom(process.env);
  for (const warning of unknownSettings(process.env)) new Logger('Settings').warn(warning);
  // The application's modules are loaded only now: the settings module checks them again as Nest's ConfigModule.
  const { AppModule } = await import('./app.module');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, httpAdapter(), { abortOnError: false, bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  const config = app.get<ConfigService<Settings, true>>(ConfigService);
  const port = config.get('PORT', { infer: true });
  // Every interface, as Node's own servers do by default (Fastify alone would listen on localhost only).
  await app.listen(port, config.get('HOST', { infer: true }));
  new Logger('Kring').log(`Kring API listening on http://localhost:${port}/graphql (health: /health)`);
  // Written while the API serves; a failure is logged and leaves the API running.
  (await loadDemoOnFirstStart(app))?.written.catch(() => undefined);
}

bootstrap().catch((error: Error) => {
  // A refused start (a bad setting, data directory in use, database unreachable) should read as a sentence, not a trace.
  if (error instanceof SettingsError) process.stderr.write(`Kring could not start: ${error.message}\n`);
  else new Logger('Kring').error(`Kring could not start: ${error.message}`);
  process.exit(1);
});
