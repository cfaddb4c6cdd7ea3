import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { GraphQLError } from 'graphql';
import { settingsFrom } from '../settings';

const WINDOW_MS = 60_000;

/** Requests per minute per token holder (`sub`), from KRING_RATE_LIMIT. */
export const rateLimitFromEnv = (env: NodeJS.ProcessEnv = process.env): number => settingsFrom(env).KRING_RATE_LIMIT;

/**
 * At most KRING_RATE_LIMIT GraphQL requests per minute (sliding) per token holder, and per address for
 * requests without a valid token; counted with @nestjs/throttler's storage, once per request whatever
 * it holds. A request over the limit is refused before anything runs, with when to try again.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly storage = new ThrottlerStorageService();
  readonly perMinute = rateLimitFromEnv();

  async take(key: string): Promise<void> {
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(key, WINDOW_MS, this.perMinute, 0, 'requests');
    if (!isBlocked) return;
    throw new GraphQLError(`Too many requests: at most ${this.perMinute} a minute; try again in ${timeToBlockExpire} s`, {
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: timeToBlockExpire },
    });
  }

  onApplicationShutdown(): void {
    this.storage.onApplicationShutdown();
  }
}
