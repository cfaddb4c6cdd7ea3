import { registerEnumType } from '@nestjs/graphql';

/** An enum object whose members are the names of one of the domain's `as const` lists. */
export type EnumOf<Values extends readonly string[]> = { readonly [Value in Values[number]]: Value };

/**
 * The GraphQL enum of one of the domain's lists: made from the list itself, so the schema and the
 * domain name the same values by construction (a value added to the list is in the schema; one the
 * list lacks cannot be described). `descriptions` may only name values of the list.
 */
export function graphqlEnum<const Values extends readonly string[]>(
  name: string,
  values: Values,
  descriptions: { [Value in Values[number]]?: string } = {},
): EnumOf<Values> {
  const members = Object.fromEntries(values.map((value) => [value, value])) as EnumOf<Values>;
  const valuesMap = Object.fromEntries(
    Object.entries<string | undefined>(descriptions).map(([value, description]) => [value, { description }]),
  ) as Partial<Record<Values[number], { description?: string }>>;
  registerEnumType(members, { name, valuesMap });
  return members;
}
