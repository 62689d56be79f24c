/** Injection token of `DevicesOptions`. */
export const DEVICES_OPTIONS = Symbol('DEVICES_OPTIONS');

export interface DevicesOptions {
  /** Whether billing is on: then accepting over the limit is 402 and accepted devices are reported to Stripe. */
  billing: { enabled: boolean };
}
