/**
 * ShellHub's username rule (seed `userUsername`) without "@": a username that looks like an e-mail address could
 * be someone else's address, which logins and recovery also accept. Usernames are stored lower-case.
 */
export const USERNAME_PATTERN = /^[a-zA-Z0-9-_.]{3,30}$/;

export const USERNAME_RULE =
  'username must be 3 to 30 letters, digits, "-", "_" or "." (no "@": it is not an e-mail address)';

/** An RFC 1123 label without dots, 3 to 30 characters; namespace names are stored lower-case. */
export const NAMESPACE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$/;

/**
 * ShellHub allows 5 to 30 characters; the upper bound is raised so that long passphrases work, which no client
 * written for the narrower rule can notice.
 */
export const PASSWORD_LENGTH = { min: 5, max: 128 } as const;

/**
 * What a password set from now on must be (OWASP ASVS 5.0 level 2: at least 8 characters, long passphrases welcome,
 * no composition rules). Logins still accept the contract's shorter legacy passwords (PASSWORD_LENGTH).
 */
export const NEW_PASSWORD_LENGTH = { min: 8, max: 128 } as const;
