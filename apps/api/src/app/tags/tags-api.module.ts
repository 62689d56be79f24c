import { Module } from '@nestjs/common';
import { TagsModule } from '@fleetgate/tags';
import { TagsController } from './tags.controller';

@Module({ imports: [TagsModule], controllers: [TagsController] })
export class TagsApiModule {}
