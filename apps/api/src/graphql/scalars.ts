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

function parseDateTime(value: unknown): Date {
  // An offset is required: an instant without one means different moments in different places.
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new GraphQLError(`DateTime must be an ISO-8601 timestamp with offset, e.g. 2025-03-01T12:00:00Z, got ${JSON.stringify(value)}`);
  }
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) throw new GraphQLError(`DateTime ${value} is not a real instant`);
  return instant;
}

/** Instants (when the log recorded something) as Date inside, ISO-8601 in UTC on the wire. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 timestamp with offset',
  serialize: (value) => (value instanceof Date ? value : parseDateTime(value)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(stringLiteral(ast, 'DateTime')),
});
