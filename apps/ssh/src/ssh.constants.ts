export const SSH_CONFIG = Symbol('SSH_CONFIG');
export const PLATFORM_KEYS = Symbol('PLATFORM_KEYS');
export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');
export const PUBLIC_KEY_DIRECTORY = Symbol('PUBLIC_KEY_DIRECTORY');
export const GATEWAY_AUDIT = Symbol('GATEWAY_AUDIT');
