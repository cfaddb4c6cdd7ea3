import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

function stringLiteral(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw new GraphQLError(`${scalar} is written as a string`);
  return ast.value;
}

/** A real calendar day: `2024-02-30` is refused, not rolled over to March. */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new GraphQLError(`Date must be a calendar date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Calendar dates stay ISO strings end to end: they order correctly as strings and carry no time zone. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'YYYY-MM-DD',
  serialize: (value) => parseDate(value),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(stringLiteral(ast, 'Date')),
});

function parsePosition(value: unknown): bigint {
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value)) {
    throw new GraphQLError(`Position is a log position written as a string of digits, got ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

/** Log positions are bigints inside and strings on the wire: JSON numbers lose precision past 2^53. */
export const PositionScalar = new GraphQLScalarType<bigint, string>({
  name: 'Position',
  description: 'opaque, totally ordered log position, serialised as a string',
  serialize: (value) => {
    if (typeof value === 'bigint') return value.toString();
    return parsePosition(value).toString();
  },
  parseValue: parsePosition,
  parseLiteral: (ast) => parsePosition(stringLiteral(ast, 'Position')),
});
