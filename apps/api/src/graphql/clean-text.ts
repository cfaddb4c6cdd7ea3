/**
 * Text no store, log or terminal should receive from a client: control characters other than tab and
 * line breaks (NUL among them, which PostgreSQL cannot store), and unpaired UTF-16 surrogates (not
 * text at all). Checked on every argument of every operation before anything else looks at it.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isCleanText = (text: string): boolean => !CONTROL.test(text) && !LONE_SURROGATE.test(text);

/** The paths of every string in `value` that is not clean text, with why (empty: all clean). */
export function uncleanText(value: unknown, path = '', into: Record<string, string[]> = {}): Record<string, string[]> {
  if (typeof value === 'string') {
    if (!isCleanText(value)) into[path || 'input'] = ['must not contain control characters or unpaired surrogates'];
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => uncleanText(item, path ? `${path}.${i}` : String(i), into));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) uncleanText(item, path ? `${path}.${key}` : key, into);
  }
  return into;
}
