import { Global, Logger, Module } from '@nestjs/common';
import { authConfigFromEnv, describeAuthConfig } from './auth-config';
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
    MeResolver,
  ],
  exports: [TokenVerifier, AUTH_CONFIG],
})
export class AuthModule {}
