import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IdSource } from './command-context';
import { CommandRunner } from './command-runner';
import { IdempotencyRetention } from './idempotency-retention';

@Global()
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [IdSource, CommandRunner, IdempotencyRetention],
  exports: [IdSource, CommandRunner],
})
export class CommandsModule {}
