/** A command line the CLI cannot take: it answers with the reason and the usage, exit code 2. */
export class UsageError extends Error {}
