import type { LocalAccount } from './local-accounts';

/** Variables a client may not set: they would change which programs run or how the login is set up. */
const refused = /^(LD_.*|PATH|HOME|SHELL|USER|LOGNAME|BASH_ENV|ENV|IFS|PS4|SHELLOPTS|BASHOPTS|GCONV_PATH|NODE_OPTIONS)$/;

export function acceptsClientVariable(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) && !refused.test(name);
}

/** The environment of a login, as sshd builds it: the account's, the client's accepted variables, and TERM. */
export function sessionEnvironment(
  account: LocalAccount,
  clientVariables: Record<string, string>,
  extra: { term?: string; deviceName: string },
): Record<string, string> {
  return {
    ...clientVariables,
    PATH: account.uid === 0 ? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' : '/usr/local/bin:/usr/bin:/bin:/usr/games',
    HOME: account.home,
    SHELL: account.shell,
    USER: account.name,
    LOGNAME: account.name,
    FLEETGATE_DEVICE: extra.deviceName,
    ...(extra.term ? { TERM: extra.term } : {}),
  };
}
