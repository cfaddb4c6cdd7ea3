import { Inject } from '@nestjs/common';
import { Args, ArgsType, Field, Float, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { IMPACT_GROUPINGS, type ImpactFigures as DomainImpactFigures, type ImpactReport as DomainImpactReport } from '@kring/domain';
import type { EventStore } from '@kring/event-store';
import { EVENT_STORE } from '../event-store/event-store.module';
import { badUserInput } from '../graphql/errors';
import { graphqlEnum } from '../graphql/enums';
import { DateField, EnumField } from '../graphql/input-fields';
import { DateScalar } from '../graphql/scalars';
import { InstantField } from '../read-models/read-args';
import { impactOfLog } from './impact-of-log';

export const ImpactGrouping = graphqlEnum('ImpactGrouping', IMPACT_GROUPINGS, {
  municipality: 'gemeente',
  method: 'Samen Sterk, steunkring, Samenkracht, vraaggroep',
  funding: 'beschikking, subsidie, indicatie',
  cohort: 'the year a network started, or a person first joined one',
});
export type ImpactGrouping = keyof typeof ImpactGrouping;

@ObjectType({ description: 'Figures of one group over the period; person figures count only people who consented to evaluation' })
export class ImpactFigures implements DomainImpactFigures {
  @Field({ description: 'the group, or "total"' }) group!: string;
  @Field(() => Int, { description: 'networks started by the end of the period' }) networks!: number;
  @Field(() => Int, { description: 'members (every role but professionals) on the first day' }) membersAtStart!: number;
  @Field(() => Int) joined!: number;
  @Field(() => Int) left!: number;
  @Field(() => Int, { description: 'members on the last day' }) membersAtEnd!: number;
  @Field(() => Float, { nullable: true, description: 'of everyone who was a member in the period, the share still one at its end' })
  retention!: number | null;
  @Field(() => Int) meetings!: number;
  @Field(() => Float, { nullable: true, description: 'attended / (attended + absent) over the meetings' }) attendance!: number | null;
  @Field(() => Int) outsideContacts!: number;
  @Field(() => Int, { description: 'people with individual professional support set by the end of the period' }) peopleWithSupport!: number;
  @Field(() => Int, { description: 'of those, people whose support was scaled down in the period' }) scaledDown!: number;
  @Field(() => Float, { nullable: true }) scaledDownShare!: number | null;
  @Field(() => Float, { nullable: true, description: 'from first joining a network to the first scale-down' })
  medianDaysToScaleDown!: number | null;
  @Field(() => Float, { description: 'individual contacts a year no longer needed at the end of the period' })
  contactsPerYearSaved!: number;
  @Field(() => Int, { description: 'referrals to buddy programmes made in the period' }) referrals!: number;
  @Field(() => Int) referralsMatched!: number;
  @Field(() => Int) referralsDeclined!: number;
  @Field(() => Int) referralsEnded!: number;
  @Field(() => Int, { description: 'still open at the end of the period' }) referralsOpen!: number;
  @Field(() => Float, { nullable: true }) medianDaysToMatch!: number | null;
  @Field(() => Int, { description: 'people measured twice or more on DJG-6, the last time in the period' }) djg6People!: number;
  @Field(() => Float, { nullable: true, description: 'mean of last minus first DJG-6 score (0-6, lower is less lonely)' })
  djg6MeanChange!: number | null;
  @Field(() => Int) zrmPeople!: number;
  @Field(() => Float, { nullable: true, description: 'mean of last minus first ZRM score (1-5, higher is more self-reliant)' })
  zrmMeanChange!: number | null;
}

@ObjectType()
export class ImpactReport implements DomainImpactReport {
  @Field(() => DateScalar) from!: string;
  @Field(() => DateScalar) to!: string;
  @Field(() => ImpactGrouping, { nullable: true }) by!: ImpactGrouping | null;
  @Field(() => [ImpactFigures]) groups!: ImpactFigures[];
  @Field(() => ImpactFigures) total!: ImpactFigures;
}

@ArgsType()
class ImpactArgs {
  @DateField() from!: string;
  @DateField() to!: string;
  @EnumField(ImpactGrouping, { nullable: true }) by?: ImpactGrouping;
  @InstantField('count only events recorded at or before this instant')
  asOf?: Date;
}

@Resolver()
export class ImpactQueries {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Query(() => ImpactReport, {
    description: 'replayed from the log, as `npm run kring -- impact` does: the same log and arguments give the same figures',
  })
  impact(@Args() { from, to, by, asOf }: ImpactArgs): Promise<ImpactReport> {
    if (from > to) throw badUserInput({ from: ['from must not be after to'] });
    return impactOfLog(this.store, { from, to, by, asOf });
  }
}
