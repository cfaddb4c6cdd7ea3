import { ArgsType, Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  type DoublingStep as DoublingFigures,
  type GrowthPoint as GrowthFigures,
  INTERVALS,
  type Interval as DomainInterval,
  type MemberDoc,
  type NetworkDoc,
  type PlanAgreementView,
} from '@kring/domain';
import { graphqlEnum } from '../graphql/enums';
import { DateField, EnumField, IdField, TextField } from '../graphql/input-fields';
import { DateScalar } from '../graphql/scalars';
import { AsOfReadArgs, ReadArgs } from '../read-models/read-args';
import { CircleMethod, FundingType, MemberRole } from './network.inputs';

export const Interval = graphqlEnum('Interval', INTERVALS);
export type Interval = DomainInterval;

/** The documents these types show are the domain's: each `implements` the part it shows, so the two cannot drift apart. */

@ObjectType()
export class Member implements Omit<MemberDoc, 'networkId' | 'stints' | 'neighbourSince'> {
  @Field(() => ID) participantId!: string;
  @Field(() => String, { nullable: true, description: 'null for EVALUATOR, and "[vergeten]" once the participant is forgotten' })
  displayName?: string | null;
  @Field(() => MemberRole) role!: MemberRole;
  @Field(() => DateScalar) joinedOn!: string;
  @Field(() => DateScalar, { nullable: true }) leftOn!: string | null;
  @Field(() => ID, { nullable: true }) invitedBy!: string | null;
  @Field(() => Int) meetingsAttended!: number;
  @Field(() => Int) meetingsMissedInARow!: number;
}

@ObjectType({ description: 'Samenkracht: the circle after each meeting, and how much it grew since the one before' })
export class DoublingStep implements DoublingFigures {
  @Field(() => Int) sequence!: number;
  @Field(() => DateScalar) heldOn!: string;
  @Field(() => Int) membersAfter!: number;
  @Field(() => Float, { nullable: true, description: 'members after this meeting / members after the previous one' }) factor!:
    number | null;
}

/** The task is the resident's personal data: opened for the reader, sealed in the document. */
@ObjectType()
export class PlanAgreement implements Omit<PlanAgreementView, 'task'> {
  @Field(() => ID) agreementId!: string;
  @Field(() => ID) assigneeId!: string;
  @Field() task!: string;
  @Field(() => DateScalar, { nullable: true }) dueOn!: string | null;
  @Field(() => DateScalar, { nullable: true }) completedOn!: string | null;
}

@ObjectType({ description: "A support circle's plan (steunkring): who takes on what" })
export class SupportPlan implements Omit<NonNullable<NetworkDoc['plan']>, 'agreements'> {
  @Field(() => ID) planId!: string;
  @Field(() => DateScalar) agreedOn!: string;
  @Field(() => [PlanAgreement]) agreements!: PlanAgreement[];
  @Field(() => [PlanAgreement], { description: 'agreements not completed yet' }) openAgreements!: PlanAgreement[];
}

/** The focal participant and the plan are shown through field resolvers (the plan only to those who may read it). */
@ObjectType()
export class Network implements Omit<NetworkDoc, 'focalParticipantId' | 'plan'> {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => CircleMethod) method!: CircleMethod;
  @Field() municipality!: string;
  @Field() purpose!: string;
  @Field(() => FundingType) funding!: FundingType;
  @Field(() => Int) cadenceWeeks!: number;
  @Field(() => DateScalar) startedOn!: string;
  @Field(() => DateScalar, { nullable: true }) closedOn!: string | null;
  @Field(() => [ID]) facilitators!: string[];
  @Field(() => Int) meetingsHeld!: number;
  @Field(() => Int) outsideContacts!: number;
  @Field(() => Int, { description: 'absences without AbsenceFollowedUp' }) absencesAwaitingFollowUp!: number;
}

@ObjectType()
export class GrowthPoint implements GrowthFigures {
  @Field(() => DateScalar) periodStart!: string;
  @Field(() => Int, { description: 'members at the end of the period' }) size!: number;
  @Field(() => Int) joined!: number;
  @Field(() => Int) left!: number;
  @Field(() => Int) meetings!: number;
  @Field(() => Float, { nullable: true, description: 'attended / (attended + absent) in the period; null without meetings' })
  attendanceRate!: number | null;
  @Field(() => Int) outsideContacts!: number;
  @Field(() => Int, { description: 'cumulative' }) neighboursInvolved!: number;
}

@ArgsType()
export class NetworkArgs extends ReadArgs {
  @IdField() id!: string;
}

@ArgsType()
export class NetworksArgs extends ReadArgs {
  @TextField(200, { nullable: true }) municipality?: string;
  @EnumField(CircleMethod, { nullable: true }) method?: CircleMethod;
}

@ArgsType()
export class NetworkGrowthArgs extends AsOfReadArgs {
  @IdField() networkId!: string;
  @EnumField(Interval) interval!: Interval;
  @DateField({ nullable: true }) from?: string;
  @DateField({ nullable: true }) to?: string;
}

@ArgsType()
export class ShrinkingNetworksArgs extends ReadArgs {
  @EnumField(Interval, { defaultValue: Interval.MONTH }) interval!: Interval;
  @TextField(200, { nullable: true }) municipality?: string;
}

@ArgsType()
export class NetworkChangedArgs {
  @IdField() networkId!: string;
}
