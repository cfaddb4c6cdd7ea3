import { Args, ArgsType, Context, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import {
  type AccessAction,
  accessEntriesBetween,
  type AccessEntryDoc,
  accessEntryDocs,
  type AccessOutcome,
  accessProjection,
  type ActionCode,
} from '@kring/domain';
import { IsOptional, Matches } from 'class-validator';
import { Role } from '../auth/role';
import { badUserInput } from '../graphql/errors';
import { IdField } from '../graphql/input-fields';
import { DateTimeScalar, PositionScalar } from '../graphql/scalars';
import { InstantField } from '../read-models/read-args';
import { ReadModels } from '../read-models/read-models';
import { AccessLogVerifier } from './access-log-verifier';
import { AccessRecorder } from './access-recorder';

@ObjectType({ description: 'one read or change of a person’s data: who, in which role, what, when, why, and whether it was allowed' })
export class AccessEntry implements AccessEntryDoc {
  @Field(() => ID, { description: 'the id of the event that is (or made) this entry' }) id!: string;
  @Field(() => PositionScalar, { description: "the event's place in the log, whose hash chain proves the entry unchanged" })
  position!: number;
  @Field(() => DateTimeScalar) at!: string;
  @Field(() => ID) actorId!: string;
  @Field(() => [Role]) actorRoles!: Role[];
  @Field(() => ID, { description: 'whose data' }) subjectId!: string;
  @Field(() => String, { description: 'READ, CREATE, UPDATE, ERASE, EXPORT' }) action!: AccessAction;
  @Field(() => String, { description: 'NEN 7513 action code: C(reate), R(ead), U(pdate), D(elete), E(xecute)' }) actionCode!: ActionCode;
  @Field({ description: 'which data, e.g. "Network.members.displayName", "sharedInformation"' }) what!: string;
  @Field() purpose!: string;
  @Field(() => String, { description: 'SUCCESS or DENIED' }) outcome!: AccessOutcome;
  @Field({ description: 'the system that recorded it, e.g. kring-api@host' }) sourceSystem!: string;
}

@ObjectType({ description: 'whether the access log (and the event log it lives in) is as it was written' })
export class AccessLogVerification {
  @Field() intact!: boolean;
  @Field(() => Int, { description: 'events whose hash was checked' }) checkedEvents!: number;
  @Field(() => Int, { description: 'access-log entries compared with their events' }) checkedEntries!: number;
  @Field(() => PositionScalar, { description: 'the head of the hash chain: keep it with headHash elsewhere (anchoring)' })
  headPosition!: bigint;
  @Field({ description: 'SHA-256 of the chain up to headPosition, hex' }) headHash!: string;
  @Field(() => PositionScalar, { nullable: true, description: 'the first broken link' }) brokenAt!: bigint | null;
  @Field(() => String, { nullable: true, description: 'what is wrong there' }) problem!: string | null;
}

@ArgsType()
class AccessLogArgs {
  @IdField() subjectId!: string;
  @InstantField('entries recorded at or after this instant') from?: Date;
  @InstantField('entries recorded at or before this instant') to?: Date;
}

@ArgsType()
class VerifyAccessLogArgs {
  @Field(() => PositionScalar, { nullable: true, description: 'a head position kept earlier (with anchorHash)' })
  @IsOptional()
  anchorPosition?: bigint;

  @Field(() => String, { nullable: true, description: 'the head hash kept earlier for anchorPosition (exactly 64 hex characters)' })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'anchorHash is 64 hexadecimal characters' })
  anchorHash?: string;
}

@Resolver()
export class AccessQueries {
  constructor(
    private readonly readModels: ReadModels,
    private readonly access: AccessRecorder,
    private readonly verifier: AccessLogVerifier,
  ) {}

  @Query(() => [AccessEntry], { description: 'AUDITOR; the query itself is logged, and its own entry is in the answer' })
  async accessLog(@Args() { subjectId, from, to }: AccessLogArgs, @Context('req') request: object): Promise<AccessEntryDoc[]> {
    if (from && to && from > to) throw badUserInput({ from: ['from must not be after to'] });
    const recorded = await this.access.reading(request, { subjectId, what: 'accessLog' });
    return this.readModels.read(accessProjection, { after: recorded }, async (view) =>
      accessEntriesBetween(await view.documents(accessEntryDocs, { subject_id: subjectId }), from?.toISOString(), to?.toISOString()),
    );
  }

  @Query(() => AccessLogVerification, {
    description: 'AUDITOR: checks the hash chain of the log and every access-log entry against its event; names the first broken link',
  })
  async verifyAccessLog(@Args() { anchorPosition, anchorHash }: VerifyAccessLogArgs): Promise<AccessLogVerification> {
    if ((anchorPosition === undefined) !== (anchorHash === undefined))
      throw badUserInput({ anchorHash: ['anchorPosition and anchorHash go together'] });
    const anchor = anchorPosition !== undefined && anchorHash ? { position: anchorPosition, hash: anchorHash } : undefined;
    const { intact, checkedEvents, checkedEntries, head, broken } = await this.verifier.verify({ anchor });
    return {
      intact,
      checkedEvents,
      checkedEntries,
      headPosition: head.position,
      headHash: head.hash,
      brokenAt: broken?.position ?? null,
      problem: broken?.problem ?? null,
    };
  }
}
