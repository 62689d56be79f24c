export const SSH_CONFIG = Symbol('SSH_CONFIG');
export const PLATFORM_KEYS = Symbol('PLATFORM_KEYS');
export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
export const PUBLIC_KEY_DIRECTORY = Symbol('PUBLIC_KEY_DIRECTORY');
/** The `SessionRecorderFactory` the gateway hands each session to. */
export const SESSION_RECORDERS = Symbol('SESSION_RECORDERS');
export const GATEWAY_AUDIT = Symbol('GATEWAY_AUDIT');
export const GATEWAY_POLICIES = Symbol('GATEWAY_POLICIES');
