import { Module } from '@nestjs/common';
import { PublicKeysService } from './public-keys.service';

/** Users' SSH public keys. Needs `DataAccessModule` in the application. */
@Module({
  providers: [PublicKeysService],
  exports: [PublicKeysService],
})
export class PublicKeysModule {}
