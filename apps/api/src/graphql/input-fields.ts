import { applyDecorators } from '@nestjs/common';
import { Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import type { EnumOf } from './enums';
import { DateScalar } from './scalars';

/** Decorators for the fields our inputs share: each pairs the GraphQL type with its class-validator rules. */

const MAX_ID_LENGTH = 200;
export const MAX_LIST_SIZE = 500;
/** Something a person can see: not only spaces, zero-width characters, direction marks or other invisible ones. */
export const VISIBLE = /[^\s\p{Cf}\p{Zs}\u034F\u115F\u1160\u3164\uFFA0]/u;
const notBlank = Matches(VISIBLE, { message: '$property must hold visible text, not only spaces or invisible characters' });
const optionally = (nullable: boolean | undefined) => (nullable ? [IsOptional()] : []);
/** Every limit is stated in the schema, so a client knows it before it is refused. */
export const withLimit = (description: string | undefined, limit: string): string => (description ? `${description} (${limit})` : limit);

export const IdField = (options: { nullable?: boolean; description?: string } = {}) =>
  applyDecorators(
    Field(() => ID, { ...options, description: withLimit(options.description, `at most ${MAX_ID_LENGTH} characters`) }),
    ...optionally(options.nullable),
    IsString(),
    notBlank,
    MaxLength(MAX_ID_LENGTH),
  );

export const TextField = (maxLength: number, options: { nullable?: boolean; description?: string } = {}) =>
  applyDecorators(
    Field(() => String, { ...options, description: withLimit(options.description, `at most ${maxLength} characters`) }),
    ...optionally(options.nullable),
    IsString(),
    notBlank,
    MaxLength(maxLength),
  );

export const DateField = (options: { nullable?: boolean } = {}) =>
  applyDecorators(
    Field(() => DateScalar, options),
    ...optionally(options.nullable),
    IsString(),
  );

export const IdListField = (minSize: number, description?: string, options: { nullable?: boolean } = {}) =>
  applyDecorators(
    Field(() => [ID], {
      nullable: options.nullable,
      description: withLimit(description, `at most ${MAX_LIST_SIZE} ids of at most ${MAX_ID_LENGTH} characters`),
    }),
    ...optionally(options.nullable),
    IsArray(),
    ArrayMinSize(minSize),
    ArrayMaxSize(MAX_LIST_SIZE),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(VISIBLE, { each: true, message: '$property must not hold blank or invisible ids' }),
    MaxLength(MAX_ID_LENGTH, { each: true }),
  );

export const WeeksField = (description?: string) =>
  applyDecorators(
    Field(() => Int, { description }),
    IsInt(),
    Min(1),
    Max(52),
  );

export const EnumField = (
  enumType: EnumOf<readonly string[]>,
  options: { description?: string; nullable?: boolean; defaultValue?: string } = {},
) =>
  applyDecorators(
    Field(() => enumType, options),
    ...optionally(options.nullable),
    IsIn(Object.values(enumType)),
  );

/** Every mutation input starts with the optional idempotency key. */
@InputType({ isAbstract: true })
export abstract class CommandInput {
  @IdField({ nullable: true, description: 'Idempotency key: sending it again returns the first result and writes nothing new' })
  commandId?: string;
}
