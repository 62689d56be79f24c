import { Module } from '@nestjs/common';
import { ApiKeysService } from './api-keys.service';

/**
 * Managing a namespace's API keys. Needs `DataAccessModule` and the identity modules (for the clock) in the
 * application; authenticating with a key is `MemberAuthenticationService`'s job, not this module's.
 */
@Module({
  providers: [ApiKeysService],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
