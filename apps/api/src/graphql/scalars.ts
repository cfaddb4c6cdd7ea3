import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

function stringLiteral(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw new GraphQLError(`${scalar} is written as a string`);
  return ast.value;
}

/** The years Kring deals in: dates and instants outside them are typing errors, and the databases' limits lie beyond. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2100;
const withinYears = (year: number) => year >= FIRST_YEAR && year <= LAST_YEAR;
/** Quotes a client's value in a message, cut short: an answer never grows with what was sent. */
const quoted = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

/** A real calendar day: `2024-02-30` is refused, not rolled over to March. */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && withinYears(date.getUTCFullYear());
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    throw new GraphQLError(`Date must be a calendar date written YYYY-MM-DD between ${FIRST_YEAR} and ${LAST_YEAR}, got ${quoted(value)}`);
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

const MAX_POSITION = 2n ** 63n - 1n;

function parsePosition(value: unknown): bigint {
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value) || BigInt(value) > MAX_POSITION) {
    throw new GraphQLError(`Position is a log position written as a string of digits, got ${quoted(value)}`);
  }
  return BigInt(value);
}

/** Log positions are bigints inside and strings on the wire: JSON numbers lose precision past 2^53. */
export const PositionScalar = new GraphQLScalarType<bigint, string>({
  name: 'Position',
  description: 'opaque, totally ordered log position, serialised as a string',
  serialize: (value) => {
    if (typeof value === 'bigint') return value.toString();
    // Read models keep positions as JSON numbers (exact below 2^53).
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value.toString();
    return parsePosition(value).toString();
  },
  parseValue: parsePosition,
  parseLiteral: (ast) => parsePosition(stringLiteral(ast, 'Position')),
});

function parseDateTime(value: unknown): Date {
  // An offset is required: an instant without one means different moments in different places. Offsets run from -14:00 to +14:00.
  const match =
    typeof value === 'string' ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-](\d{2}):([0-5]\d))$/.exec(value) : null;
  if (!match || (match[4] !== undefined && Number(match[4]) * 60 + Number(match[5]) > 14 * 60)) {
    throw new GraphQLError(
      `DateTime must be an ISO-8601 timestamp with an offset (at most ±14:00), e.g. 2025-03-01T12:00:00Z, got ${quoted(value)}`,
    );
  }
  const instant = new Date(value as string);
  if (Number.isNaN(instant.getTime()) || !isCalendarDate((value as string).slice(0, 10)) || !withinYears(instant.getUTCFullYear()))
    throw new GraphQLError(`DateTime ${quoted(value)} is not a real instant between ${FIRST_YEAR} and ${LAST_YEAR}`);
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
