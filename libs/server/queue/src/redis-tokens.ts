export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');
export const REDIS_KEY_PREFIX = Symbol('REDIS_KEY_PREFIX');
