export { MAX_PATTERN_LENGTH, patternMatches, SafePattern } from './safe-pattern';
