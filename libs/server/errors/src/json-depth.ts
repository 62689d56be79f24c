/** How deep a JSON request body may nest. No route's DTO goes past a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/** The body-parser error type for a body nested deeper than MAX_JSON_DEPTH; the HTTP filter answers it with a 400. */
export const JSON_TOO_DEEP = 'entity.too.deep';

/**
 * The deepest nesting of objects and arrays in JSON text, found by scanning, not parsing: the recursive walks after
 * JSON.parse (validation, transformation) overflowed the stack on a body nested 5,000 deep and answered 500.
 */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

/** body-parser's `verify` hook: refuses a body nested deeper than `maxDepth` before it is parsed. */
export function verifyJsonDepth(maxDepth = MAX_JSON_DEPTH) {
  return (_request: unknown, _response: unknown, body: Buffer): void => {
    if (jsonNestingDepth(body.toString('utf8')) > maxDepth) {
      throw Object.assign(new Error(`request body is nested more than ${maxDepth} levels deep`), { type: JSON_TOO_DEEP });
    }
  };
}
