/** An API answer other than 2xx, with what the UI shows: a message, and problems by form field when the API named them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: Record<string, string> = {},
    readonly headers?: Headers,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const fallbackMessages: Record<number, string> = {
  400: 'The request was refused: check the fields.',
  401: 'Your session has ended: sign in again.',
  403: 'You are not allowed to do this.',
  404: 'Not found.',
  409: 'This conflicts with something that already exists.',
  429: 'Too many attempts: wait a moment and try again.',
};

/**
 * Reads the API's error bodies: `{code, message, details}` where `details.fields` lists `{field, problems}` (DTO
 * validation) or `details` is a list of field names, and ShellHub's bare list of clashing user fields
 * (`["username","email"]` on a 409).
 */
export function apiErrorFrom(status: number, body: unknown, headers?: Headers): ApiError {
  const fieldErrors: Record<string, string> = {};
  let message = fallbackMessages[status] ?? `The server answered ${status}.`;
  if (Array.isArray(body)) {
    for (const field of body) {
      if (typeof field === 'string') fieldErrors[field] = status === 409 ? `this ${field} is already taken` : `invalid ${field}`;
    }
    if (Object.keys(fieldErrors).length > 0) message = Object.values(fieldErrors).join('; ');
  } else if (typeof body === 'object' && body !== null) {
    const { message: text, details } = body as { message?: unknown; details?: unknown };
    if (typeof text === 'string' && text !== '') message = text;
    const listed = Array.isArray(details)
      ? details
      : typeof details === 'object' && details !== null && Array.isArray((details as { fields?: unknown }).fields)
        ? (details as { fields: unknown[] }).fields
        : [];
    for (const entry of listed) {
      if (typeof entry === 'string') fieldErrors[entry] = message;
      else if (typeof entry === 'object' && entry !== null) {
        const { field, problems } = entry as { field?: unknown; problems?: unknown };
        if (typeof field === 'string') {
          fieldErrors[field] = Array.isArray(problems) ? problems.map(String).join(', ') : message;
        }
      }
    }
  }
  return new ApiError(status, message, fieldErrors, headers);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
