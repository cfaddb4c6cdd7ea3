import { InputType, registerEnumType } from '@nestjs/graphql';
import { CommandInput, DateField, EnumField, IdField, TextField } from '../graphql/input-fields';
import { NAME_LENGTH, TEXT_LENGTH } from '../network/network.inputs';

export enum ReferralStatus {
  OPEN = 'OPEN',
  MATCHED = 'MATCHED',
  DECLINED = 'DECLINED',
  ENDED = 'ENDED',
}
registerEnumType(ReferralStatus, { name: 'ReferralStatus' });

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
  @EnumField(ReferralStatus, Object.values(ReferralStatus), { description: 'MATCHED, DECLINED or ENDED' }) status!: ReferralStatus;
  @DateField() on!: string;
}
