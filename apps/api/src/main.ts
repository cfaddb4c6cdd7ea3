import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { loadDemoOnFirstStart } from './demo/demo-on-start';
import { httpAdapter } from './http-adapter';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, httpAdapter(), { abortOnError: false });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  // Every interface, as Node's own servers do by default (Fastify alone would listen on localhost only).
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  new Logger('Kring').log(`Kring API listening on http://localhost:${port}/graphql (health: /health)`);
  // Written while the API serves; a failure is logged and leaves the API running.
  (await loadDemoOnFirstStart(app))?.written.catch(() => undefined);
}

bootstrap().catch((error: Error) => {
  // A refused start (data directory in use, database unreachable) should read as a sentence, not a trace.
  new Logger('Kring').error(`Kring could not start: ${error.message}`);
  process.exit(1);
});
