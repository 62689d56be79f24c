import { Module } from '@nestjs/common';
import { TagsService } from './tags.service';

/** Namespace-wide tags. Needs `DataAccessModule` in the application. */
@Module({ providers: [TagsService], exports: [TagsService] })
export class TagsModule {}
