import { Module } from '@nestjs/common';
import { PublicKeysModule } from '@fleetgate/public-keys';
import { TagsModule } from '@fleetgate/tags';
import { PublicKeysController } from './public-keys.controller';

@Module({ imports: [PublicKeysModule, TagsModule], controllers: [PublicKeysController] })
export class PublicKeysApiModule {}
