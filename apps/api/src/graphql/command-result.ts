import { Field, ID, ObjectType } from '@nestjs/graphql';
import { PositionScalar } from './scalars';

@ObjectType('CommandResult')
export class CommandResult {
  /** The network, participant, meeting or referral the command is about. */
  @Field(() => ID)
  id!: string;

  /** Global log position of the command's last event: pass it as `after` to read your own write. */
  @Field(() => PositionScalar)
  position!: bigint;
}
