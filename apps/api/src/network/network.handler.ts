import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NetworkCommand, participantStandingOf } from '@kring/domain';
import { CommandContext } from '../commands/command-context';
import { CommandOutcome, CommandRunner, DistributiveOmit } from '../commands/command-runner';
import { NETWORK_STREAM, PARTICIPANT_STREAM } from '../commands/streams';

/** A network command as the API receives it: the handler adds what it reads from other streams. */
export type NetworkRequest = DistributiveOmit<NetworkCommand, 'participant' | 'focal'>;

export class ExecuteNetworkCommand extends Command<CommandOutcome> {
  constructor(
    readonly networkId: string,
    readonly request: NetworkRequest,
    readonly context: CommandContext,
    /** What the result's id names: the network, or the meeting a recordMeeting created. */
    readonly resultId: string = networkId,
  ) {
    super();
  }
}

@CommandHandler(ExecuteNetworkCommand)
export class NetworkCommandHandler implements ICommandHandler<ExecuteNetworkCommand> {
  constructor(private readonly runner: CommandRunner) {}

  execute({ networkId, request, context, resultId }: ExecuteNetworkCommand): Promise<CommandOutcome> {
    return this.runner.execute(NETWORK_STREAM, networkId, request.type, context, resultId, () => this.complete(request));
  }

  /** Rules about people in the network need their standing, folded from their own stream. */
  private async complete(request: NetworkRequest): Promise<NetworkCommand> {
    const standing = async (participantId: string) => participantStandingOf(await this.runner.state(PARTICIPANT_STREAM, participantId));
    switch (request.type) {
      case 'StartNetwork':
        return request.focalParticipantId ? { ...request, focal: await standing(request.focalParticipantId) } : request;
      case 'JoinNetwork':
      case 'InvolveNeighbour':
        return { ...request, participant: await standing(request.participantId) };
      default:
        return request;
    }
  }
}
