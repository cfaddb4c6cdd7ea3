import { Global, Injectable, Module } from '@nestjs/common';
import { dayOf, type IsoDate } from '@kring/domain';

/**
 * What time it is, for every "today" the API answers with (days a referral is open, which networks
 * shrank lately) and every retention it keeps: one provider, so that a test can set the date.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /** Today as a calendar day (UTC). */
  today(): IsoDate {
    return dayOf(this.now());
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
