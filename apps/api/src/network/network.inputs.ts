import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import {
  CIRCLE_METHODS,
  type CircleMethod as DomainMethod,
  FUNDING_TYPES,
  type FundingType as DomainFunding,
  MEMBER_ROLES,
  type MemberRole as DomainRole,
} from '@kring/domain';
import { graphqlEnum } from '../graphql/enums';
import { CommandInput, DateField, EnumField, IdField, IdListField, TextField, WeeksField, withLimit } from '../graphql/input-fields';

export const NAME_LENGTH = 200;
export const TEXT_LENGTH = 2000;

export const CircleMethod = graphqlEnum('CircleMethod', CIRCLE_METHODS, {
  PEER_NETWORK: 'Samen Sterk',
  SUPPORT_CIRCLE: 'steunkring, Samen Sterker in de Wijk',
  ATELIER: 'Samenkracht',
  QUESTION_GROUP: 'vraaggroep, bundled help questions (Zwolle)',
});
export type CircleMethod = DomainMethod;

export const FundingType = graphqlEnum('FundingType', FUNDING_TYPES);
export type FundingType = DomainFunding;

export const MemberRole = graphqlEnum('MemberRole', MEMBER_ROLES, {
  NEIGHBOUR: 'goede buur',
  EXPERIENCE_EXPERT: 'ervaringsdeskundige',
  CIRCLE_MEMBER: 'family, friend, acquaintance or trusted professional in a steunkring',
});
export type MemberRole = DomainRole;

@InputType('StartNetworkInput')
export class StartNetworkInput extends CommandInput {
  @TextField(NAME_LENGTH) name!: string;
  @EnumField(CircleMethod) method!: CircleMethod;
  @TextField(NAME_LENGTH) municipality!: string;
  @TextField(TEXT_LENGTH, { description: 'e.g. "eenzaamheid bestrijden", "moeilijk bereikbare mensen"' }) purpose!: string;
  @EnumField(FundingType) funding!: FundingType;
  @WeeksField('1 = weekly, 2 = fortnightly') cadenceWeeks!: number;
  @IdField({ nullable: true, description: 'required for SUPPORT_CIRCLE: the resident the circle is for' }) focalParticipantId?: string;
  @DateField() startedOn!: string;
}

@InputType('AssignFacilitatorInput')
export class AssignFacilitatorInput extends CommandInput {
  @IdField() networkId!: string;
  @IdField({ description: "the `sub` of the facilitator's token" }) staffId!: string;
  @TextField(NAME_LENGTH) name!: string;
}

@InputType('JoinNetworkInput')
export class JoinNetworkInput extends CommandInput {
  @IdField() networkId!: string;
  @IdField() participantId!: string;
  @EnumField(MemberRole) role!: MemberRole;
  @IdField({ nullable: true, description: 'member who brought this person (Samenkracht doubling)' }) invitedBy?: string;
  @IdField({ nullable: true, description: 'SUPPORT_CIRCLE only: who chose this member; the resident, and the default' }) chosenBy?: string;
  @DateField() joinedOn!: string;
}

@InputType('LeaveNetworkInput')
export class LeaveNetworkInput extends CommandInput {
  @IdField() networkId!: string;
  @IdField() participantId!: string;
  @TextField(TEXT_LENGTH) reason!: string;
  @DateField() leftOn!: string;
}

@InputType('InvolveNeighbourInput')
export class InvolveNeighbourInput extends CommandInput {
  @IdField() networkId!: string;
  @IdField({ description: 'the neighbour, registered as a participant record' }) participantId!: string;
  @TextField(TEXT_LENGTH, { description: 'what they add, e.g. "taalles Nederlands"' }) offer!: string;
  @DateField() involvedOn!: string;
}

@InputType('RecordMeetingInput')
export class RecordMeetingInput extends CommandInput {
  @IdField() networkId!: string;
  @DateField() heldOn!: string;
  @TextField(TEXT_LENGTH) activity!: string;
  @IdListField(1) attended!: string[];
  @IdListField(0) absent!: string[];
  @IdListField(0, 'members who sent word they could not come (afgemeld): no absence to follow up', { nullable: true })
  excused?: string[];
  @IdListField(0, 'members whose presence is not known', { nullable: true })
  presenceUnknown?: string[];
}

@InputType('FollowUpAbsenceInput')
export class FollowUpAbsenceInput extends CommandInput {
  @IdField() networkId!: string;
  @IdField() meetingId!: string;
  @IdField() participantId!: string;
  @TextField(TEXT_LENGTH) outcome!: string;
}

@InputType('ReportOutsideContactInput')
export class ReportOutsideContactInput extends CommandInput {
  @IdField() networkId!: string;
  @IdListField(2, 'at least two members') between!: string[];
  @TextField(TEXT_LENGTH, { description: 'e.g. "samen verhuisd", "biertje gedronken"' }) kind!: string;
  @DateField() on!: string;
}

@InputType('GuideNeighbourInput', { description: 'The coach guides a good neighbour so they do not slide into a carer role' })
export class GuideNeighbourInput extends CommandInput {
  @IdField() networkId!: string;
  @IdField() participantId!: string;
  @TextField(TEXT_LENGTH) notes!: string;
  @DateField() guidedOn!: string;
}

@InputType('RecordHelpExchangeInput', { description: 'One member helped another with a talent (wederkerigheid)' })
export class RecordHelpExchangeInput extends CommandInput {
  @IdField() networkId!: string;
  @IdField() helperId!: string;
  @IdField() helpedId!: string;
  @TextField(TEXT_LENGTH) talent!: string;
  @DateField() on!: string;
}

@InputType('AgreementInput')
export class AgreementInput {
  @IdField({ description: 'the circle member who takes it on' }) assigneeId!: string;
  @TextField(TEXT_LENGTH, { description: 'who does what' }) task!: string;
  @DateField({ nullable: true }) dueOn?: string;
}

const MAX_AGREEMENTS = 100;

@InputType('AgreePlanInput', { description: "A support circle's one plan with clear agreements; it replaces any earlier plan" })
export class AgreePlanInput extends CommandInput {
  @IdField() networkId!: string;
  @DateField() agreedOn!: string;
  @Field(() => [AgreementInput], { description: withLimit('one or more', `at most ${MAX_AGREEMENTS} agreements`) })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_AGREEMENTS)
  @ValidateNested({ each: true })
  @Type(() => AgreementInput)
  agreements!: AgreementInput[];
}

@InputType('CompleteAgreementInput')
export class CompleteAgreementInput extends CommandInput {
  @IdField() networkId!: string;
  @IdField() agreementId!: string;
  @DateField() completedOn!: string;
}

@InputType('CloseNetworkInput')
export class CloseNetworkInput extends CommandInput {
  @IdField() networkId!: string;
  @TextField(TEXT_LENGTH) reason!: string;
  @DateField() closedOn!: string;
}
