export { MAX_FILTER_TAGS, TagsService, type FilterOwner } from './tags.service';
export { TagsModule } from './tags.module';
