import { ParticipantQueries } from './participant.queries';
import { Module } from '@nestjs/common';
import { ParticipantCommandHandler } from './participant.handler';
import { ParticipantResolver } from './participant.resolver';
import { SharingCircleLookup } from './sharing-circle';

@Module({ providers: [ParticipantResolver, ParticipantCommandHandler, SharingCircleLookup, ParticipantQueries] })
export class ParticipantModule {}
