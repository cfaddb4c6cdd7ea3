import { Global, Module } from '@nestjs/common';
import { AccessRecorder } from './access-recorder';
import { AccessQueries } from './access.queries';

/** The access log (NEN 7513): the recorder every resolver of personal data uses, and the auditor's query. */
@Global()
@Module({ providers: [AccessRecorder, AccessQueries], exports: [AccessRecorder] })
export class AccessModule {}
