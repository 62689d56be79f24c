import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppException } from './app.exception';

function describe(errors: ValidationError[], parent = ''): Array<{ field: string; problems: string[] }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...describe(error.children ?? [], field)];
  });
}

/**
 * More items than any request of the API carries in one array (tags, filters, choices are tens at most). Longer
 * arrays are refused before validation: turning tens of thousands of items into DTO instances and validating each
 * took seconds (issue 15's fuzzing found 50,000-item arrays answered in up to 5 s).
 */
export const MAX_ARRAY_ITEMS = 1_000;

/** The length of the longest array anywhere in `value` (bodies are depth-limited by `verifyJsonDepth`). */
function longestArray(value: unknown): number {
  if (Array.isArray(value)) return Math.max(value.length, ...value.slice(0, MAX_ARRAY_ITEMS + 1).map(longestArray));
  if (value !== null && typeof value === 'object') {
    let longest = 0;
    for (const item of Object.values(value)) longest = Math.max(longest, longestArray(item));
    return longest;
  }
  return 0;
}

/**
 * Validation with two cheap refusals first, where a DTO class is expected: a body that is not a JSON object (an
 * array body became an array of DTO instances, validated one by one), and any array longer than MAX_ARRAY_ITEMS.
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.toValidate(metadata)) {
      // No body at all is still read as an empty object (Nest's behaviour), for routes whose fields are all optional.
      const present = value !== undefined && value !== null;
      if (metadata.type === 'body' && present && (typeof value !== 'object' || Array.isArray(value))) {
        throw AppException.validation('the body must be a JSON object');
      }
      if (longestArray(value) > MAX_ARRAY_ITEMS) {
        throw AppException.validation(`an array may hold at most ${MAX_ARRAY_ITEMS} items`);
      }
    }
    return super.transform(value, metadata);
  }
}

/** Validates every DTO: unknown fields are refused, and the 400 names each bad field and why. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = describe(errors);
      const summary = fields.map(({ field, problems }) => `${field}: ${problems.join(', ')}`).join('; ');
      return AppException.validation(summary || 'invalid request', { fields });
    },
  });
}
