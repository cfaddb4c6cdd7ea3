import { Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller, type Caller } from './caller';
import { Role } from './role';

@ObjectType('Actor', { description: 'The caller as their token names them' })
class ActorView {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => [Role])
  roles!: Role[];
}

@Resolver()
export class MeResolver {
  /** Lets a front end check its token and show who is signed in. */
  @Query(() => ActorView, { description: 'Who the bearer token says you are' })
  me(@CurrentCaller() caller: Caller): ActorView {
    return caller.actor;
  }
}
