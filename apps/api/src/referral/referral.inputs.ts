import { InputType } from '@nestjs/graphql';
import { REFERRAL_STATUSES, type ReferralStatus as DomainStatus } from '@kring/domain';
import { graphqlEnum } from '../graphql/enums';
import { CommandInput, DateField, EnumField, IdField, TextField } from '../graphql/input-fields';
import { NAME_LENGTH, TEXT_LENGTH } from '../network/network.inputs';

export const ReferralStatus = graphqlEnum('ReferralStatus', REFERRAL_STATUSES);
export type ReferralStatus = DomainStatus;

@InputType('ReferToBuddyProgrammeInput')
export class ReferToBuddyProgrammeInput extends CommandInput {
  @IdField() participantId!: string;
  @TextField(NAME_LENGTH, { description: 'e.g. "maatjesproject Humanitas"' }) programme!: string;
  @TextField(TEXT_LENGTH) reason!: string;
  @DateField() on!: string;
}

@InputType('CloseReferralInput')
export class CloseReferralInput extends CommandInput {
  @IdField() referralId!: string;
  @EnumField(ReferralStatus, { description: 'MATCHED, DECLINED or ENDED' }) status!: ReferralStatus;
  @DateField() on!: string;
}
