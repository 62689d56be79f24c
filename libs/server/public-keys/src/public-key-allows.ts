import type { PublicKeyDocument } from '@fleetgate/data-access';
import { patternMatches } from '@fleetgate/patterns';

/**
 * Whether a registered public key lets `sshUsername` into `device` (ShellHub's key evaluation): the username rule
 * AND the filter rule. Patterns are unanchored, as Go's `regexp.MatchString` is: `root` also matches `notroot`.
 * - username: empty matches anyone, else the pattern must match the login name;
 * - filter: a hostname pattern must match the device's name, else the device must carry one of the tags.
 * A filter without a hostname and without any tag matches no device. ShellHub reads it as "any device", but that is
 * what removing the last tag of a tag-scoped key leaves behind (docs/adr/0006-empty-tag-filters.md): revoking a tag
 * must take access away, never hand out access to the whole namespace.
 */
export function publicKeyAllows(
  key: Pick<PublicKeyDocument, 'username' | 'filter'>,
  sshUsername: string,
  device: { name: string; tags: string[] },
): boolean {
  return usernameAllowed(key.username, sshUsername) && deviceAllowed(key.filter, device);
}

function usernameAllowed(pattern: string, sshUsername: string): boolean {
  return patternMatches(pattern, sshUsername);
}

function deviceAllowed(
  filter: PublicKeyDocument['filter'],
  device: { name: string; tags: string[] },
): boolean {
  if (filter.hostname !== undefined) return patternMatches(filter.hostname, device.name);
  return (filter.tags ?? []).some((tag) => device.tags.includes(tag));
}
