import { Args, ArgsType, Context, Field, Float, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { daysOpen, type ReferralDoc, referralDocs, type ReferralFigures, referralsProjection, referralSummaryOf } from '@kring/domain';
import { AccessRecorder } from '../access/access-recorder';
import { CurrentListScope, type ListScope } from '../auth/caller';
import { Clock } from '../clock/clock.module';
import { EnumField, TextField } from '../graphql/input-fields';
import { DateScalar } from '../graphql/scalars';
import { AsOfReadArgs, ReadArgs } from '../read-models/read-args';
import { ReadModels } from '../read-models/read-models';
import { ReferralStatus } from './referral.inputs';

@ObjectType()
export class Referral implements ReferralDoc {
  @Field(() => ID) id!: string;
  @Field(() => ID) participantId!: string;
  @Field() programme!: string;
  @Field(() => ReferralStatus) status!: ReferralStatus;
  @Field(() => DateScalar) referredOn!: string;
  @Field(() => DateScalar, { nullable: true }) closedOn!: string | null;
  @Field(() => Int, { description: 'until closedOn, or until today' }) daysOpen!: number;
}

@ObjectType()
export class ReferralSummary implements ReferralFigures {
  @Field() programme!: string;
  @Field(() => Int) open!: number;
  @Field(() => Int) matched!: number;
  @Field(() => Int) declined!: number;
  @Field(() => Int) ended!: number;
  @Field(() => Float, { nullable: true }) medianDaysToMatch!: number | null;
}

@ArgsType()
class ReferralsArgs extends ReadArgs {
  @TextField(200, { nullable: true }) programme?: string;
  @EnumField(ReferralStatus, { nullable: true }) status?: ReferralStatus;
}

@Resolver()
export class ReferralQueries {
  constructor(
    private readonly readModels: ReadModels,
    private readonly access: AccessRecorder,
    private readonly clock: Clock,
  ) {}

  @Query(() => [Referral], { description: 'a facilitator sees the referrals of the people within their reach' })
  referrals(
    @Args() { programme, status, after }: ReferralsArgs,
    @Context('req') request: object,
    @CurrentListScope() scope: ListScope,
  ): Promise<Referral[]> {
    const today = this.clock.today();
    return this.readModels.read(referralsProjection, { after }, async (view) => {
      const all = await view.documents(referralDocs, { programme, status });
      const docs = scope === 'everything' ? all : all.filter((doc) => scope.participants.has(doc.participantId));
      await Promise.all(docs.map((doc) => this.access.reading(request, { subjectId: doc.participantId, what: 'Referral' })));
      return docs
        .sort((a, b) => a.referredOn.localeCompare(b.referredOn) || a.id.localeCompare(b.id))
        .map((doc) => ({ ...doc, daysOpen: daysOpen(doc, today) }));
    });
  }

  @Query(() => [ReferralSummary], { description: 'per programme; asOf counts only referrals and closings recorded by then' })
  referralSummary(@Args() { asOf, after }: AsOfReadArgs): Promise<ReferralSummary[]> {
    return this.readModels.read(referralsProjection, { after, asOf }, async (view) =>
      referralSummaryOf(await view.documents(referralDocs)),
    );
  }
}
