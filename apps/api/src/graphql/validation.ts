import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { badUserInput, FieldErrors } from './errors';

function collect(errors: readonly ValidationError[], prefix: string, into: FieldErrors): FieldErrors {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) into[path] = Object.values(error.constraints);
    if (error.children?.length) collect(error.children, path, into);
  }
  return into;
}

/** class-validator on every input; a failure answers BAD_USER_INPUT with messages per field, before any command runs. */
export const inputValidation = new ValidationPipe({
  transform: true,
  forbidUnknownValues: true,
  validateCustomDecorators: false,
  exceptionFactory: (errors) => badUserInput(collect(errors, '', {})),
});

/** Arguments as rules expect them: an explicit null is absent, and text is in one Unicode form (NFC). */
function clean(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map(clean);
  // A DateTime argument arrives parsed, as a Date: it is a value, not an object to walk.
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field !== null)
      .map(([key, field]) => [key, clean(field)]),
  );
}

/**
 * GraphQL lets a client send `invitedBy: null` for an optional field; below the resolver an absent value is
 * `undefined` only, so rules never have to tell null and undefined apart. "é" typed as one character or as
 * e + accent is the same text once normalised, so names and topics compare as people read them.
 */
@Injectable()
export class CleanArgumentsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // Arguments only: a parent document's nulls are answers (leftOn: null), and a request is no input.
    // Nest reports GraphQL arguments as 'body'; parents and context as 'custom'.
    return metadata.type === 'body' ? clean(value) : value;
  }
}
