import { ArgsType, Context, Field, Float, ID, Int, ObjectType, Query, Resolver, Args } from '@nestjs/graphql';
import {
  careDocs,
  careProjection,
  contactsPerYear,
  currentEveryWeeks,
  firstEveryWeeks,
  KNOWLEDGE_SOURCES,
  type KnowerView,
  knowersAt,
  type ScaleDownFigures,
  type SupportChangeView,
  type SupportDirection,
  type KnowledgeSource,
  knowledgeDocs,
  knowledgeProjection,
  scaleDownSummaryOf,
  notFound,
} from '@kring/domain';
import { PersonalDataCipher } from '@kring/privacy';
import { AccessRecorder } from '../access/access-recorder';
import { PersonalData } from '../access/personal-data';
import { graphqlEnum } from '../graphql/enums';
import { IdField, TextField } from '../graphql/input-fields';
import { DateScalar, DateTimeScalar } from '../graphql/scalars';
import { AsOfReadArgs, InstantField, ReadArgs } from '../read-models/read-args';
import { ReadModels } from '../read-models/read-models';

const KnowledgeSource = graphqlEnum('KnowledgeSource', KNOWLEDGE_SOURCES);

/** The reason is personal data: opened for the reader, sealed in the document. */
@ObjectType()
export class SupportChange implements Omit<SupportChangeView, 'reason'> {
  @Field(() => DateScalar) on!: string;
  @Field(() => Int, { nullable: true }) fromEveryWeeks!: number | null;
  @Field(() => Int) toEveryWeeks!: number;
  @Field(() => String, { description: 'SET, DOWN or UP' }) direction!: SupportDirection;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType({ description: 'individual professional contact over time (afschaling)' })
export class CareTimeline {
  @Field(() => ID) participantId!: string;
  @Field(() => Int, { nullable: true }) currentEveryWeeks!: number | null;
  @Field(() => [SupportChange]) changes!: SupportChange[];
  @Field(() => Float, { nullable: true, description: '52 / everyWeeks at the first setting' }) contactsPerYearBefore!: number | null;
  @Field(() => Float, { nullable: true }) contactsPerYearNow!: number | null;
}

@ObjectType()
export class ScaleDownSummary implements ScaleDownFigures {
  @Field(() => Int) participantsWithSupport!: number;
  @Field(() => Int, { description: 'participants whose current frequency is lower than their first' }) scaledDown!: number;
  @Field(() => Int) scaledUp!: number;
  @Field(() => Float, { description: 'sum over participants of (before - now), may be negative' }) contactsPerYearSaved!: number;
}

@ObjectType()
export class Knower implements KnowerView {
  @Field(() => ID) personId!: string;
  @Field(() => KnowledgeSource) source!: KnowledgeSource;
  @Field(() => DateTimeScalar) since!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'set when the information was unshared from this person' }) until!:
    string | null;
}

@ArgsType()
class CareTimelineArgs extends ReadArgs {
  @IdField() participantId!: string;
}

@ArgsType()
class ScaleDownSummaryArgs extends AsOfReadArgs {
  @TextField(200, { nullable: true }) municipality?: string;
}

@ArgsType()
class WhoKnewArgs extends ReadArgs {
  @IdField() participantId!: string;
  @TextField(500) topic!: string;
  @InstantField('who knew at this instant; without it, everyone who ever knew') at?: Date;
}

@Resolver()
export class ParticipantQueries {
  constructor(
    private readonly readModels: ReadModels,
    private readonly access: AccessRecorder,
    private readonly personal: PersonalData,
    private readonly cipher: PersonalDataCipher,
  ) {}

  @Query(() => CareTimeline, { nullable: true, description: 'NOT_FOUND when the id names no participant' })
  careTimeline(@Args() { participantId, after }: CareTimelineArgs, @Context('req') request: object): Promise<CareTimeline> {
    return this.readModels.read(careProjection, { after }, async (view) => {
      // Every registered participant has a timeline (empty until support is set).
      const [care] = await view.byKeys(careDocs, [participantId]);
      if (!care) throw notFound(`participant ${participantId} does not exist`);
      // Logged as one read of the timeline, with or without reasons: the frequencies are this person's record too.
      const reasons = await this.personal.reveal(
        request,
        { subjectId: participantId, what: 'careTimeline' },
        care.changes.map((change) => change.reason),
      );
      return {
        participantId,
        currentEveryWeeks: currentEveryWeeks(care),
        changes: care.changes.map((change, i) => ({ ...change, reason: reasons[i] })),
        contactsPerYearBefore: contactsPerYear(firstEveryWeeks(care)),
        contactsPerYearNow: contactsPerYear(currentEveryWeeks(care)),
      };
    });
  }

  @Query(() => ScaleDownSummary)
  scaleDownSummary(@Args() { municipality, asOf, after }: ScaleDownSummaryArgs): Promise<ScaleDownSummary> {
    return this.readModels.read(careProjection, { after, asOf }, async (view) =>
      scaleDownSummaryOf(await view.documents(careDocs, { municipality })),
    );
  }

  @Query(() => [Knower], {
    description: 'AUDITOR; the read is logged and makes the auditor a READ_RECORD knower, which this answer already shows',
  })
  async whoKnew(@Args() { participantId, topic, at, after }: WhoKnewArgs, @Context('req') request: object): Promise<Knower[]> {
    // A forgotten participant still exists here (their timeline stays, without personal text): only a never-registered id is unknown.
    const [registered] = await this.readModels.read(careProjection, { after }, (view) => view.byKeys(careDocs, [participantId]));
    if (!registered) throw notFound(`participant ${participantId} does not exist`);
    const recorded = await this.access.reading(request, { subjectId: participantId, what: 'sharedInformation', topic });
    // Topics are filed by a hash keyed per person: once that person is forgotten, no topic of theirs can be found.
    const hash = await this.cipher.searchHash(participantId, topic);
    if (hash === undefined) return [];
    return this.readModels.read(
      knowledgeProjection,
      { after: after !== undefined && after > recorded ? after : recorded },
      async (view) => {
        const [doc] = await view.byKeys(knowledgeDocs, [participantId]);
        return knowersAt(doc, hash, at?.toISOString());
      },
    );
  }
}
