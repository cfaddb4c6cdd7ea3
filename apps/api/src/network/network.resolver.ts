import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { EventStore } from '@kring/event-store';
import { EVENT_STORE } from '../event-store/event-store.module';
import { MembersNotAccountedFor, networksProjection, personNameDocs } from '@kring/domain';
import type { GraphQLError } from 'graphql';
import { PersonalData } from '../access/personal-data';
import { badUserInput } from '../graphql/errors';
import { ReadModels } from '../read-models/read-models';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentCaller, type Caller } from '../auth/caller';
import { IdSource } from '../commands/command-context';
import { CommandResult } from '../graphql/command-result';
import { ExecuteNetworkCommand } from './network.handler';
import {
  AgreePlanInput,
  AssignFacilitatorInput,
  CloseNetworkInput,
  CompleteAgreementInput,
  FollowUpAbsenceInput,
  GuideNeighbourInput,
  InvolveNeighbourInput,
  JoinNetworkInput,
  LeaveNetworkInput,
  RecordHelpExchangeInput,
  RecordMeetingInput,
  ReportOutsideContactInput,
  StartNetworkInput,
} from './network.inputs';

/** The circle's life, for all four methods: every rule lives in the network decider. */
@Resolver()
export class NetworkResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly ids: IdSource,
    private readonly readModels: ReadModels,
    private readonly personal: PersonalData,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Mutation(() => CommandResult)
  startNetwork(@Args('input') { commandId, ...network }: StartNetworkInput, @CurrentCaller() caller: Caller): Promise<CommandResult> {
    const { context, newId } = this.ids.begin(caller, 'startNetwork', { commandId, ...network });
    const networkId = newId('network');
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'StartNetwork', networkId, ...network }, context));
  }

  @Mutation(() => CommandResult)
  assignFacilitator(
    @Args('input') { commandId, networkId, ...facilitator }: AssignFacilitatorInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'assignFacilitator', { commandId, networkId, ...facilitator });
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'AssignFacilitator', ...facilitator }, context));
  }

  @Mutation(() => CommandResult, { description: 'ParticipantJoined' })
  joinNetwork(
    @Args('input') { commandId, networkId, ...joining }: JoinNetworkInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'joinNetwork', { commandId, networkId, ...joining });
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'JoinNetwork', ...joining }, context));
  }

  @Mutation(() => CommandResult, { description: 'ParticipantLeft' })
  leaveNetwork(
    @Args('input') { commandId, networkId, ...leaving }: LeaveNetworkInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'leaveNetwork', { commandId, networkId, ...leaving });
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'LeaveNetwork', ...leaving }, context));
  }

  @Mutation(() => CommandResult, { description: 'NeighbourInvolved' })
  involveNeighbour(
    @Args('input') { commandId, networkId, ...neighbour }: InvolveNeighbourInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'involveNeighbour', { commandId, networkId, ...neighbour });
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'InvolveNeighbour', ...neighbour }, context));
  }

  @Mutation(() => CommandResult, {
    description: 'MeetingHeld; result id = meetingId. Every current member is listed once: attended, absent, excused or presenceUnknown',
  })
  async recordMeeting(
    @Args('input') { commandId, networkId, ...meeting }: RecordMeetingInput,
    @CurrentCaller() caller: Caller,
    @Context('req') request: object,
  ): Promise<CommandResult> {
    const { context, newId } = this.ids.begin(caller, 'recordMeeting', { commandId, networkId, ...meeting });
    const meetingId = newId('meeting');
    try {
      return await this.commands.execute(
        new ExecuteNetworkCommand(networkId, { type: 'RecordMeeting', meetingId, ...meeting }, context, meetingId),
      );
    } catch (error) {
      if (error instanceof MembersNotAccountedFor) throw await this.naming(error, request);
      throw error;
    }
  }

  /** The refusal with the names of the members left out, as the coach knows them (each name read is in the access log). */
  private async naming({ missing }: MembersNotAccountedFor, request: object): Promise<GraphQLError> {
    // Everyone the decider knew is in the log already: read the names once the read model holds all of it.
    const after = await this.store.headPosition();
    const people = await this.readModels.read(networksProjection, { after }, (view) => view.byKeys(personNameDocs, missing));
    const names = await Promise.all(
      missing.map(async (id, i) => {
        const person = people[i];
        if (!person?.displayName || person.forgotten) return id;
        const [name] = await this.personal.reveal(request, { subjectId: id, what: 'recordMeeting.missingMembers' }, [person.displayName]);
        return name ? `${name} (${id})` : id;
      }),
    );
    return badUserInput({
      attended: [`Every current member must be listed as attended, absent, excused or presenceUnknown; not listed: ${names.join(', ')}`],
    });
  }

  @Mutation(() => CommandResult)
  followUpAbsence(
    @Args('input') { commandId, networkId, ...followUp }: FollowUpAbsenceInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'followUpAbsence', { commandId, networkId, ...followUp });
    return this.commands.execute(
      new ExecuteNetworkCommand(networkId, { type: 'FollowUpAbsence', ...followUp, actor: context.actor }, context),
    );
  }

  @Mutation(() => CommandResult)
  reportOutsideContact(
    @Args('input') { commandId, networkId, ...contact }: ReportOutsideContactInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'reportOutsideContact', { commandId, networkId, ...contact });
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'ReportOutsideContact', ...contact }, context));
  }

  @Mutation(() => CommandResult, { description: 'NeighbourGuided' })
  guideNeighbour(
    @Args('input') { commandId, networkId, ...guidance }: GuideNeighbourInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'guideNeighbour', { commandId, networkId, ...guidance });
    return this.commands.execute(
      new ExecuteNetworkCommand(networkId, { type: 'GuideNeighbour', ...guidance, actor: context.actor }, context),
    );
  }

  @Mutation(() => CommandResult, { description: 'HelpExchanged' })
  recordHelpExchange(
    @Args('input') { commandId, networkId, ...help }: RecordHelpExchangeInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'recordHelpExchange', { commandId, networkId, ...help });
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'RecordHelpExchange', ...help }, context));
  }

  @Mutation(() => CommandResult, { description: 'PlanAgreed; result id = planId, and agreement n (from 1) has id "<planId>.<n>"' })
  agreePlan(
    @Args('input') { commandId, networkId, agreedOn, agreements }: AgreePlanInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context, newId } = this.ids.begin(caller, 'agreePlan', { commandId, networkId, agreedOn, agreements });
    const planId = newId('plan');
    const numbered = agreements.map((agreement, index) => ({ ...agreement, agreementId: `${planId}.${index + 1}` }));
    return this.commands.execute(
      new ExecuteNetworkCommand(networkId, { type: 'AgreePlan', planId, agreedOn, agreements: numbered }, context, planId),
    );
  }

  @Mutation(() => CommandResult, { description: 'AgreementCompleted' })
  completeAgreement(
    @Args('input') { commandId, networkId, ...completion }: CompleteAgreementInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'completeAgreement', { commandId, networkId, ...completion });
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'CompleteAgreement', ...completion }, context));
  }

  @Mutation(() => CommandResult, { description: 'NetworkClosed: the network accepts no more changes' })
  closeNetwork(
    @Args('input') { commandId, networkId, ...closing }: CloseNetworkInput,
    @CurrentCaller() caller: Caller,
  ): Promise<CommandResult> {
    const { context } = this.ids.begin(caller, 'closeNetwork', { commandId, networkId, ...closing });
    return this.commands.execute(new ExecuteNetworkCommand(networkId, { type: 'CloseNetwork', ...closing }, context));
  }
}
