import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule, { abortOnError: false });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  new Logger('Kring').log(`Kring API listening on http://localhost:${port}/graphql (health: /health)`);
}

bootstrap().catch((error: Error) => {
  // A refused start (data directory in use, database unreachable) should read as a sentence, not a trace.
  new Logger('Kring').error(`Kring could not start: ${error.message}`);
  process.exit(1);
});
