export { loadOrCreatePlatformKeys, type PlatformKeys } from './platform-keys';
export { signDeviceToken, verifyDeviceToken, type DeviceTokenClaims } from './device-token';
export {
  signUserToken,
  verifyUserToken,
  USER_TOKEN_LIFETIME_SECONDS,
  type UserTokenClaims,
  type UserTokenSubject,
  type VerifiedUserToken,
} from './user-token';
export { SecretBox } from './secret-box';
