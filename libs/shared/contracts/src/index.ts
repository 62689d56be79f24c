export * from './error-code';
export * from './queue-name';
export * from './health';
export * from './assert-unreachable';
export * from './version';
export * from './device-info';
export * from './device-auth-signature';
