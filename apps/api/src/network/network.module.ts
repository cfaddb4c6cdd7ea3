import { Module } from '@nestjs/common';
import { NetworkCommandHandler } from './network.handler';
import { NetworkResolver } from './network.resolver';

@Module({ providers: [NetworkResolver, NetworkCommandHandler] })
export class NetworkModule {}
