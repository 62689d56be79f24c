import { type DynamicModule, Module } from '@nestjs/common';
import { DataAccessModule, type DataAccessOptions } from '@fleetgate/data-access';
import { AnnouncementsService } from './announcements.service';

/** What the announce command needs: the database only. */
@Module({})
export class AnnounceModule {
  static forRoot(database: DataAccessOptions): DynamicModule {
    return {
      module: AnnounceModule,
      imports: [DataAccessModule.forRoot(database)],
      providers: [AnnouncementsService],
    };
  }
}
