import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppException } from './app.exception';

function describe(errors: ValidationError[], parent = ''): Array<{ field: string; problems: string[] }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...describe(error.children ?? [], field)];
  });
}

/** Validates every DTO: unknown fields are refused, and the 400 names each bad field and why. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
