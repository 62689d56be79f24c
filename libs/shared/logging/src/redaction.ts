/**
 * Paths pino replaces with "[redacted]". Secrets travel in these headers and fields; listing them here,
 * once, keeps every app's logs free of them (credentials, tokens, keys, MFA codes).
 */
export const redactedPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-mfa-token"]',
  'res.headers["set-cookie"]',
  'res.headers["x-mfa-token"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.token',
  '*.secret',
  '*.code',
  '*.recovery_code',
  '*.private_key',
  '*.privateKey',
  '*.api_key',
  '*.apiKey',
];

const credentialsInUrl = /(\w+:\/\/)([^:@/\s]+):([^@/\s]+)@/g;

/** Hides the password in a connection URL such as mongodb://user:secret@host, for logs and error messages. */
export function redactUrlCredentials(text: string): string {
  return text.replace(credentialsInUrl, '$1$2:[redacted]@');
}
