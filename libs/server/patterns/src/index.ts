export { type DeviceFilter, validDeviceFilter } from './device-filter';
export { MAX_PATTERN_LENGTH, patternMatches, SafePattern } from './safe-pattern';
