import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimiter } from '../auth/rate-limiter';
import { Authorizer } from './authorizer';
import { RequestGuard } from './request.guard';
import { ScopeLookup } from './scope';

/** Who may do what (ACCESS_RULES), enforced for every GraphQL operation by one global guard. */
@Global()
@Module({
  providers: [ScopeLookup, Authorizer, RateLimiter, { provide: APP_GUARD, useClass: RequestGuard }],
  exports: [Authorizer],
})
export class AuthorizationModule {}
