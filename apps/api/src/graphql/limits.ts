/**
 * Limits on what one request may ask, so that no single request can occupy the server: checked before
 * anything runs, each refusal a GraphQL error that says which limit (graphql-armor's validation rules,
 * graphql-js's own token limit, Fastify's body limit).
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, OperationTypeNode, parse, SelectionNode, specifiedRules, validate, ValidationRule } from 'graphql';
import { settingsFrom } from '../settings';

export const LIMITS = {
  /** Nesting of fields (network { members { … } } is 3). */
  depth: 8,
  /** Aliased fields per document: stops one request from asking the same thing thousands of times. */
  aliases: 15,
  /** Lexical tokens per document. */
  tokens: 2000,
  /**
   * graphql-armor's static cost: 2 per object, 1 per scalar field, times 1.5 per level of nesting. A network
   * with every field, its members and plan costs about 80; a screen asks for far less.
   */
  cost: 1000,
  directives: 10,
  /** Top-level fields of one query; mutations, each a command that writes, fewer still. */
  rootFields: 10,
  mutations: 5,
  /** Bytes of a request body (HTTP 413 beyond). */
  bodyBytes: 256 * 1024,
} as const;

/** Introspection answers only outside production, unless KRING_INTROSPECTION=on. */
export const introspectionEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  env.NODE_ENV !== 'production' || settingsFrom(env).KRING_INTROSPECTION === 'on';

/**
 * At most LIMITS.rootFields top-level fields per operation (LIMITS.mutations for a mutation), counted
 * through fragments: a request is a few operations, not hundreds of them side by side.
 */
export const maxOperationsRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    const seen = new Set<string>();
    const count = (selections: readonly SelectionNode[]): number =>
      selections.reduce((sum, selection) => {
        if (selection.kind === Kind.FIELD) return sum + (selection.name.value.startsWith('__') ? 0 : 1);
        if (selection.kind === Kind.INLINE_FRAGMENT) return sum + count(selection.selectionSet.selections);
        const name = selection.name.value;
        if (seen.has(name)) return sum;
        seen.add(name);
        return sum + count(context.getFragment(name)?.selectionSet.selections ?? []);
      }, 0);
    const max = operation.operation === OperationTypeNode.MUTATION ? LIMITS.mutations : LIMITS.rootFields;
    const found = count(operation.selectionSet.selections);
    if (found > max)
      context.reportError(
        new GraphQLError(`A ${operation.operation} may hold at most ${max} top-level fields; this one holds ${found}`, {
          nodes: [operation],
          extensions: { code: 'BAD_USER_INPUT' },
        }),
      );
  },
});

export interface Protection {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
}

export function protection(introspection: boolean): Protection {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: LIMITS.depth },
    maxAliases: { n: LIMITS.aliases },
    costLimit: { maxCost: LIMITS.cost },
    maxDirectives: { n: LIMITS.directives },
    // graphql-js counts tokens while parsing (parseOptions below), before any of this runs.
    maxTokens: { enabled: false },
    // Without introspection, "did you mean …" would reveal the schema field by field.
    blockFieldSuggestion: { enabled: !introspection },
  }).protect();
  return { plugins, validationRules: [...validationRules, maxOperationsRule] };
}

/**
 * The same checks for subscriptions over graphql-ws, which bypasses Apollo: a document over the token
 * limit is refused before it is parsed whole, and validation runs the same rules.
 */
export function subscriptionChecks(rules: readonly ValidationRule[]) {
  return {
    onSubscribe: (_: unknown, __: string, payload: { query?: unknown }): readonly GraphQLError[] | void => {
      if (typeof payload.query !== 'string') return [new GraphQLError('A subscription needs a query')];
      if (payload.query.length > LIMITS.bodyBytes) return [new GraphQLError(`A document may hold at most ${LIMITS.bodyBytes} characters`)];
      try {
        parse(payload.query, { maxTokens: LIMITS.tokens });
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError('The document could not be parsed')];
      }
    },
    validate: (schema: Parameters<typeof validate>[0], document: Parameters<typeof validate>[1]) =>
      validate(schema, document, [...specifiedRules, ...rules]),
  };
}
