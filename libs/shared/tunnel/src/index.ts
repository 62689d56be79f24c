export * from './protocol';
export * from './session-assertion';
