import type { GraphQLScalarType } from 'graphql';

/** A command line the CLI cannot take: it answers with the reason and the usage, exit code 1 (as for any error). */
export class UsageError extends Error {}

/** An option's value read by one of the API's scalars (dates, instants): the same rules, and the option named in the message. */
export function scalarOption<T>(scalar: GraphQLScalarType<T, string>, option: string, text: string): T {
  try {
    return scalar.parseValue(text);
  } catch (error) {
    throw new UsageError(`--${option}: ${(error as Error).message}`);
  }
}
