import { ValidateIf } from 'class-validator';

/**
 * A field that may be left out, but not sent as `null`: class-validator's `@IsOptional()` skips every rule for
 * `null` as well, so `{"name": null}` reached services that expect a string or nothing (issue 15's fuzzing found a
 * 500 on `PUT /api/devices/:uid`). With this, `null` is validated like any other value, and refused by the rules.
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined);
}
