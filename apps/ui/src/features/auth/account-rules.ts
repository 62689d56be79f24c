/** The account rules the API checks (libs/server/identity account-rules.ts), checked before sending. */
export const usernamePattern = /^[a-zA-Z0-9-_.]{3,30}$/;
export const passwordLength = { min: 8, max: 128 } as const;

export function usernameProblem(value: string): string | null {
  return usernamePattern.test(value) ? null : '3 to 30 letters, digits, dots, dashes or underscores';
}

export function passwordProblem(value: string): string | null {
  return value.length >= passwordLength.min && value.length <= passwordLength.max
    ? null
    : `between ${passwordLength.min} and ${passwordLength.max} characters`;
}

export function emailProblem(value: string): string | null {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? null : 'an e-mail address, like name@example.com';
}

export function requiredProblem(what: string) {
  return (value: string): string | null => (value.trim() === '' ? `${what} is required` : null);
}
