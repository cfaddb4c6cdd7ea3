import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { authConfigFromEnv, describeAuthConfig } from './auth-config';
import { AuthGuard } from './auth.guard';
import { MeResolver } from './me.resolver';
import { AUTH_CONFIG, TokenVerifier } from './token-verifier';

@Global()
@Module({
  providers: [
    {
      provide: AUTH_CONFIG,
      useFactory: () => {
        const config = authConfigFromEnv();
        new Logger('Auth').log(`Bearer tokens checked with ${describeAuthConfig(config)}`);
        return config;
      },
    },
    TokenVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
    MeResolver,
  ],
})
export class AuthModule {}
