import { Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { settingsFrom } from '../settings';

const WINDOW_SECONDS = 60;

/** Requests per minute per token holder (`sub`), from KRING_RATE_LIMIT. */
export const rateLimitFromEnv = (env: NodeJS.ProcessEnv = process.env): number => settingsFrom(env).KRING_RATE_LIMIT;

/**
 * At most KRING_RATE_LIMIT GraphQL requests a minute per token holder, and per address for requests
 * without a valid token, counted once per request whatever it holds, in windows of a minute from a
 * holder's first request in one (rate-limiter-flexible: a counter per holder, the same cost at any
 * limit; @nestjs/throttler's sliding window kept a timestamp per request of the last minute and scanned
 * them all on every request). A request over the limit is refused before anything runs, with when to try again.
 */
@Injectable()
export class RateLimiter {
  readonly perMinute = rateLimitFromEnv();
  private readonly counters = new RateLimiterMemory({ points: this.perMinute, duration: WINDOW_SECONDS });

  async take(key: string): Promise<void> {
    try {
      await this.counters.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new GraphQLError(`Too many requests: at most ${this.perMinute} a minute; try again in ${retryAfterSeconds} s`, {
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
      });
    }
  }
}
