import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentCaller, type Caller } from '../auth/caller';
import { IdSource } from '../commands/command-context';
import { CommandResult } from '../graphql/command-result';
import { ExecuteParticipantCommand } from './participant.handler';
import {
  AnswerCoreQuestionsInput,
  BundleHelpQuestionInput,
  ChangeSupportInput,
  ConsentInput,
  ForgetParticipantInput,
  RecordOutcomeInput,
  RecordTalentInput,
  RegisterHelpQuestionInput,
  RegisterParticipantInput,
  SetIndividualSupportInput,
  ShareInformationInput,
  UnshareInformationInput,
} from './participant.inputs';

/** The person: registration, individual support, talents, questions, outcomes, consent and what they shared. */
@Resolver()
export class ParticipantResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly ids: IdSource,
  ) {}

  @Mutation(() => CommandResult)
  registerParticipant(
    @Args('input') { commandId, ...person }: RegisterParticipantInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context, newId } = this.ids.begin(caller, 'registerParticipant', { commandId, ...person });
    const participantId = newId('participant');
    return this.commands.execute(
      new ExecuteParticipantCommand(participantId, { type: 'RegisterParticipant', participantId, ...person }, context),
    );
  }

  @Mutation(() => CommandResult)
  setIndividualSupport(
    @Args('input') { commandId, participantId, ...support }: SetIndividualSupportInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'setIndividualSupport', { commandId, participantId, ...support });
    return this.commands.execute(
      new ExecuteParticipantCommand(participantId, { type: 'SetIndividualSupport', ...support, actor: context.actor }, context),
    );
  }

  @Mutation(() => CommandResult, { description: 'SupportScaledDown: toEveryWeeks must exceed the current' })
  scaleDownSupport(
    @Args('input') { commandId, participantId, ...change }: ChangeSupportInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'scaleDownSupport', { commandId, participantId, ...change });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'ScaleDownSupport', ...change }, context));
  }

  @Mutation(() => CommandResult, { description: 'SupportScaledUp: toEveryWeeks must be below the current' })
  scaleUpSupport(
    @Args('input') { commandId, participantId, ...change }: ChangeSupportInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'scaleUpSupport', { commandId, participantId, ...change });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'ScaleUpSupport', ...change }, context));
  }

  @Mutation(() => CommandResult)
  shareInformation(
    @Args('input') { commandId, participantId, ...sharing }: ShareInformationInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'shareInformation', { commandId, participantId, ...sharing });
    return this.commands.execute(
      new ExecuteParticipantCommand(participantId, { type: 'ShareInformation', ...sharing, actor: context.actor }, context),
    );
  }

  @Mutation(() => CommandResult)
  unshareInformation(
    @Args('input') { commandId, participantId, ...unsharing }: UnshareInformationInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'unshareInformation', { commandId, participantId, ...unsharing });
    return this.commands.execute(
      new ExecuteParticipantCommand(participantId, { type: 'UnshareInformation', ...unsharing, actor: context.actor }, context),
    );
  }

  @Mutation(() => CommandResult)
  recordOutcome(
    @Args('input') { commandId, participantId, ...outcome }: RecordOutcomeInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'recordOutcome', { commandId, participantId, ...outcome });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'RecordOutcome', ...outcome }, context));
  }

  @Mutation(() => CommandResult, { description: 'erasure: personal data unreadable everywhere after' })
  forgetParticipant(
    @Args('input') { commandId, participantId, reason }: ForgetParticipantInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'forgetParticipant', { commandId, participantId, reason });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'ForgetParticipant', reason }, context));
  }

  @Mutation(() => CommandResult, { description: 'TalentRecorded' })
  recordTalent(
    @Args('input') { commandId, participantId, ...talent }: RecordTalentInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'recordTalent', { commandId, participantId, ...talent });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'RecordTalent', ...talent }, context));
  }

  @Mutation(() => CommandResult, { description: 'CoreQuestionsAnswered: want / can / need' })
  answerCoreQuestions(
    @Args('input') { commandId, participantId, ...answers }: AnswerCoreQuestionsInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'answerCoreQuestions', { commandId, participantId, ...answers });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'AnswerCoreQuestions', ...answers }, context));
  }

  @Mutation(() => CommandResult, { description: 'HelpQuestionRegistered; result id = questionId' })
  registerHelpQuestion(
    @Args('input') { commandId, participantId, ...question }: RegisterHelpQuestionInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context, newId } = this.ids.begin(caller, 'registerHelpQuestion', { commandId, participantId, ...question });
    const questionId = newId('question');
    return this.commands.execute(
      new ExecuteParticipantCommand(participantId, { type: 'RegisterHelpQuestion', questionId, ...question }, context, questionId),
    );
  }

  @Mutation(() => CommandResult, { description: 'HelpQuestionBundled into a question group' })
  bundleHelpQuestion(
    @Args('input') { commandId, participantId, ...bundling }: BundleHelpQuestionInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'bundleHelpQuestion', { commandId, participantId, ...bundling });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'BundleHelpQuestion', ...bundling }, context));
  }

  @Mutation(() => CommandResult, { description: 'ConsentGiven' })
  giveConsent(
    @Args('input') { commandId, participantId, ...consent }: ConsentInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'giveConsent', { commandId, participantId, ...consent });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'GiveConsent', ...consent }, context));
  }

  @Mutation(() => CommandResult, { description: 'ConsentWithdrawn' })
  withdrawConsent(
    @Args('input') { commandId, participantId, ...consent }: ConsentInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'withdrawConsent', { commandId, participantId, ...consent });
    return this.commands.execute(new ExecuteParticipantCommand(participantId, { type: 'WithdrawConsent', ...consent }, context));
  }
}
