import { Module } from '@nestjs/common';
import { NetworkChanges } from './network-changes';
import { NetworkCommandHandler } from './network.handler';
import { NetworkLoaderFactory } from './network.loaders';
import { MemberFields, NetworkQueries } from './network.queries';
import { NetworkResolver } from './network.resolver';

@Module({ providers: [NetworkResolver, NetworkCommandHandler, NetworkQueries, MemberFields, NetworkLoaderFactory, NetworkChanges] })
export class NetworkModule {}
