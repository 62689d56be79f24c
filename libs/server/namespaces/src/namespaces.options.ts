/** Injection token of `NamespacesOptions`. */
export const NAMESPACES_OPTIONS = Symbol('NAMESPACES_OPTIONS');

export interface NamespacesOptions {
  /** Invited existing users become accepted members at once, with no e-mail (ShellHub CE/EE). */
  autoAcceptMembers: boolean;
  /** The web UI's base URL, without a trailing slash; invitation links open `<base>/accept-invite`. */
  invitationBaseUrl: string;
}
