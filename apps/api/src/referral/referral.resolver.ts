import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentCaller, type Caller } from '../auth/caller';
import { IdSource } from '../commands/command-context';
import { CommandResult } from '../graphql/command-result';
import { ExecuteReferralCommand } from './referral.handler';
import { CloseReferralInput, ReferToBuddyProgrammeInput } from './referral.inputs';

/** Referrals to buddy programmes (maatjesprojecten) when the group is not enough. */
@Resolver()
export class ReferralResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly ids: IdSource,
  ) {}

  @Mutation(() => CommandResult, { description: 'result id = referralId' })
  referToBuddyProgramme(
    @Args('input') { commandId, ...referral }: ReferToBuddyProgrammeInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context, newId } = this.ids.begin(caller, 'referToBuddyProgramme', { commandId, ...referral });
    const referralId = newId('referral');
    return this.commands.execute(
      new ExecuteReferralCommand(referralId, { type: 'ReferToBuddyProgramme', referralId, ...referral }, context),
    );
  }

  @Mutation(() => CommandResult)
  closeReferral(
    @Args('input') { commandId, referralId, status, on }: CloseReferralInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'closeReferral', { commandId, referralId, status, on });
    return this.commands.execute(new ExecuteReferralCommand(referralId, { type: 'CloseReferral', status, on }, context));
  }
}
