/** Injection token of `NamespacesOptions`. */
export const NAMESPACES_OPTIONS = Symbol('NAMESPACES_OPTIONS');

export interface NamespacesOptions {
  /** Invited existing users become accepted members at once, with no e-mail (ShellHub CE/EE). */
  autoAcceptMembers: boolean;
  /** The web UI's base URL, without a trailing slash; invitation links open `<base>/accept-invite`. */
  invitationBaseUrl: string;
  /** `max_devices` of a new namespace: the free plan's limit where billing is on, the configured one otherwise. */
  newNamespaceMaxDevices?: number;
  /** Where billing is on, deleting a namespace with a subscription tells Stripe (the worker cancels it). */
  billingEnabled?: boolean;
}
