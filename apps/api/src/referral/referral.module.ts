import { ReferralQueries } from './referral.queries';
import { Module } from '@nestjs/common';
import { ReferralCommandHandler } from './referral.handler';
import { ReferralResolver } from './referral.resolver';

@Module({ providers: [ReferralResolver, ReferralCommandHandler, ReferralQueries] })
export class ReferralModule {}
