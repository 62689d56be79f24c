/**
 * Paths pino replaces with "[redacted]". Secrets travel in these headers and fields; listing them here,
 * once, keeps every app's logs free of them (credentials, tokens, keys, MFA codes).
 */
export const redactedPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-mfa-token"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-internal-token"]',
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
  '*.secretKey',
  '*.webhookSecret',
];

/**
 * Query parameters that carry a secret: confirmation and reset tokens (`?token=`), invitation and setup signatures
 * (`?sig=`), and anything named like a key or code. Request logs print the URL, so their values are hidden there.
 */
const secretQueryParameter = /([?&](?:token|sig|signature|code|key|api_key|secret|password|hash)=)[^&#]*/gi;

/** Hides the values of secret-bearing query parameters in a request URL, for request logs. */
export function redactQuerySecrets(url: string): string {
  return url.replace(secretQueryParameter, '$1[redacted]');
}

const credentialsInUrl = /(\w+:\/\/)([^:@/\s]+):([^@/\s]+)@/g;

/** Hides the password in a connection URL such as mongodb://user:secret@host, for logs and error messages. */
export function redactUrlCredentials(text: string): string {
  return text.replace(credentialsInUrl, '$1$2:[redacted]@');
}
