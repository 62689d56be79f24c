/** The platform version every service reports; bumped with releases. */
export const FLEETGATE_VERSION = '0.1.0';
