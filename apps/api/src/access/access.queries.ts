import { Args, ArgsType, Context, Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { AccessEntryDoc, accessEntriesBetween } from '@kring/domain';
import { Role } from '../auth/role';
import { badUserInput } from '../graphql/errors';
import { IdField } from '../graphql/input-fields';
import { DateTimeScalar } from '../graphql/scalars';
import { InstantField } from '../read-models/read-args';
import { ReadModels } from '../read-models/read-models';
import { AccessRecorder } from './access-recorder';

@ObjectType({ description: 'one read or change of a person’s data: who, in which role, what, when, why, and whether it was allowed' })
export class AccessEntry {
  @Field(() => ID) id!: string;
  @Field(() => DateTimeScalar) at!: string;
  @Field(() => ID) actorId!: string;
  @Field(() => [Role]) actorRoles!: Role[];
  @Field(() => ID, { description: 'whose data' }) subjectId!: string;
  @Field({ description: 'READ, CREATE, UPDATE, ERASE, EXPORT' }) action!: string;
  @Field({ description: 'which data, e.g. "Network.members.displayName", "sharedInformation"' }) what!: string;
  @Field() purpose!: string;
  @Field({ description: 'SUCCESS or DENIED' }) outcome!: string;
}

@ArgsType()
class AccessLogArgs {
  @IdField() subjectId!: string;
  @InstantField('entries recorded at or after this instant') from?: Date;
  @InstantField('entries recorded at or before this instant') to?: Date;
}

@Resolver()
export class AccessQueries {
  constructor(
    private readonly readModels: ReadModels,
    private readonly access: AccessRecorder,
  ) {}

  @Query(() => [AccessEntry], { description: 'AUDITOR; the query itself is logged, and its own entry is in the answer' })
  async accessLog(@Args() { subjectId, from, to }: AccessLogArgs, @Context('req') request: object): Promise<AccessEntryDoc[]> {
    if (from && to && from > to) throw badUserInput({ from: ['from must not be after to'] });
    const read = { subjectId, what: 'accessLog' };
    await this.access.requireRole(request, Role.AUDITOR, read);
    const recorded = await this.access.reading(request, read);
    return this.readModels.read('access', { after: recorded }, async (view) =>
      accessEntriesBetween(
        await view.documents<AccessEntryDoc>('entries', { subject_id: subjectId }),
        from?.toISOString(),
        to?.toISOString(),
      ),
    );
  }
}
