export * from './protocol';
export * from './session-assertion';
export * from './ssh-hardening';
