import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { participantStandingOf, ReferralCommand } from '@kring/domain';
import { CommandContext } from '../commands/command-context';
import { CommandOutcome, CommandRunner, DistributiveOmit } from '../commands/command-runner';
import { PARTICIPANT_STREAM, REFERRAL_STREAM } from '../commands/streams';

export type ReferralRequest = DistributiveOmit<ReferralCommand, 'participant'>;

export class ExecuteReferralCommand extends Command<CommandOutcome> {
  constructor(
    readonly referralId: string,
    readonly request: ReferralRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ExecuteReferralCommand)
export class ReferralCommandHandler implements ICommandHandler<ExecuteReferralCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ referralId, request, context }: ExecuteReferralCommand): Promise<CommandOutcome> {
    return this.runner.execute(REFERRAL_STREAM, referralId, request.type, context, referralId, async (): Promise<ReferralCommand> => {
      if (request.type !== 'ReferToBuddyProgramme') return request;
      return { ...request, participant: participantStandingOf(await this.runner.state(PARTICIPANT_STREAM, request.participantId)) };
    });
  }
}
