import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EventProvenance, IdSource } from './command-context';
import { CommandRunner } from './command-runner';
import { IdempotencyRetention } from './idempotency-retention';

@Global()
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [IdSource, EventProvenance, CommandRunner, IdempotencyRetention],
  exports: [IdSource, EventProvenance, CommandRunner],
})
export class CommandsModule {}
