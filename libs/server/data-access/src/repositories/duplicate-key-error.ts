// The one definition lives with the error mapping; data-access re-exports it for the services that retry on it.
export { isDuplicateKeyError } from '@fleetgate/errors';
