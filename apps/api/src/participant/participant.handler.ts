import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { networkStandingOf, ParticipantCommand } from '@kring/domain';
import { CommandContext } from '../commands/command-context';
import { CommandOutcome, CommandRunner, DistributiveOmit } from '../commands/command-runner';
import { NETWORK_STREAM, PARTICIPANT_STREAM } from '../commands/streams';
import { SharingCircleLookup } from './sharing-circle';

export type ParticipantRequest = DistributiveOmit<ParticipantCommand, 'network' | 'circle'>;

export class ExecuteParticipantCommand extends Command<CommandOutcome> {
  constructor(
    readonly participantId: string,
    readonly request: ParticipantRequest,
    readonly context: CommandContext,
    readonly resultId: string = participantId,
  ) {
    super();
  }
}

@CommandHandler(ExecuteParticipantCommand)
export class ParticipantCommandHandler implements ICommandHandler<ExecuteParticipantCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly sharingCircle: SharingCircleLookup,
  ) {}

  execute({ participantId, request, context, resultId }: ExecuteParticipantCommand): Promise<CommandOutcome> {
    return this.runner.execute(PARTICIPANT_STREAM, participantId, request.type, context, resultId, () =>
      this.complete(participantId, request),
    );
  }

  private async complete(participantId: string, request: ParticipantRequest): Promise<ParticipantCommand> {
    switch (request.type) {
      case 'BundleHelpQuestion':
        return { ...request, network: networkStandingOf(await this.runner.state(NETWORK_STREAM, request.networkId)) };
      case 'ShareInformation':
        return { ...request, circle: await this.sharingCircle.of(participantId) };
      default:
        return request;
    }
  }
}
