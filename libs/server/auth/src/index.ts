export { loadOrCreatePlatformKeys, type PlatformKeys } from './platform-keys';
export { signDeviceToken, verifyDeviceToken, type DeviceTokenClaims } from './device-token';
export { signUserToken, verifyUserToken, USER_TOKEN_LIFETIME_SECONDS, type UserTokenClaims } from './user-token';
export { SecretBox } from './secret-box';
