export { AppException } from './app.exception';
export { AppExceptionFilter } from './app-exception.filter';
export { httpStatusOf } from './http-status';
export { toAppException } from './to-app-exception';
export { createValidationPipe } from './validation.pipe';
export { isDuplicateKeyError } from './duplicate-key';
export { jsonNestingDepth, MAX_JSON_DEPTH, verifyJsonDepth } from './json-depth';
export { fromStripeError, isStripeError } from './stripe-error';
