/**
 * Jest gives errors 100 stack frames; Node gives 10, and that is what the API runs with. graphql-js
 * reads the stack of every input error it wraps, so with 100 frames (and Jest's source maps) each
 * refused request cost tests ten times what it costs in production. Errors here keep Node's depth.
 */
Error.stackTraceLimit = 10;
