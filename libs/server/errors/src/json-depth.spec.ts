import { toAppException } from './to-app-exception';
import { jsonNestingDepth, MAX_JSON_DEPTH, verifyJsonDepth } from './json-depth';

describe('JSON body depth', () => {
  it('measures nesting, ignoring brackets inside strings', () => {
    expect(jsonNestingDepth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonNestingDepth('"\\"[[["')).toBe(0);
    expect(jsonNestingDepth('[]')).toBe(1);
  });

  it('answers a body nested 5,000 deep with a 400 that says why, not a 500', () => {
    const deep = Buffer.from(`${'['.repeat(5_000)}${']'.repeat(5_000)}`);
    let thrown: unknown;
    try {
      verifyJsonDepth()(undefined, undefined, deep);
    } catch (error) {
      thrown = error;
    }
    // body-parser hands a verify failure on with status 403; the filter turns its type into a 400.
    const asBodyParserError = Object.assign(thrown as Error, { status: 403 });
    expect(toAppException(asBodyParserError)).toMatchObject({
      code: 'validation_failed',
      message: `request body is nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
  });

  it('lets ordinary bodies through', () => {
    const body = Buffer.from(JSON.stringify({ name: 'kitchen-pi', filter: { tags: ['lab'] }, info: { a: [[1]] } }));
    expect(() => verifyJsonDepth()(undefined, undefined, body)).not.toThrow();
  });
});
