import { applyDecorators } from '@nestjs/common';
import { ArgsType, Field } from '@nestjs/graphql';
import { IsDate, IsOptional } from 'class-validator';
import { DateTimeScalar, PositionScalar } from '../graphql/scalars';

/** `after`: answer only once the projection has processed this position (read-your-writes). */
export const AfterField = () =>
  applyDecorators(
    Field(() => PositionScalar, { nullable: true, description: 'answer once the read model has processed this position' }),
    IsOptional(),
  );

export const InstantField = (description: string) =>
  applyDecorators(
    Field(() => DateTimeScalar, { nullable: true, description }),
    IsOptional(),
    IsDate(),
  );

@ArgsType()
export class ReadArgs {
  @AfterField()
  after?: bigint;
}

@ArgsType()
export class AsOfReadArgs extends ReadArgs {
  @InstantField('count only events recorded at or before this instant')
  asOf?: Date;
}
