import { type DynamicModule, Global, Module } from '@nestjs/common';
import { loadOrCreatePlatformKeys } from '@fleetgate/auth';

/** Injection token of the platform's RS256 key pair (`PlatformKeys` from @fleetgate/auth). */
export const PLATFORM_KEYS = Symbol('PLATFORM_KEYS');

/** Loads the platform key pair once, at start-up, for every service that signs or verifies tokens. */
@Global()
@Module({})
export class PlatformKeysModule {
  static forRoot(directory: string): DynamicModule {
    return {
      module: PlatformKeysModule,
      providers: [{ provide: PLATFORM_KEYS, useFactory: () => loadOrCreatePlatformKeys(directory) }],
      exports: [PLATFORM_KEYS],
    };
  }
}
