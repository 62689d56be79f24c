import { type DynamicModule, Module } from '@nestjs/common';
import { MembersService } from './members.service';
import { NamespaceContentsCleanupService } from './namespace-contents-cleanup.service';
import { NamespaceViewsService } from './namespace-views.service';
import { NamespacesService } from './namespaces.service';
import { NAMESPACES_OPTIONS, type NamespacesOptions } from './namespaces.options';

/**
 * Namespaces, members and invitations, for the API. Needs `DataAccessModule`, `QueueModule`, `PlatformKeysModule`
 * and `IdentityModule` (which provides the memberships repository) in the application.
 */
@Module({})
export class NamespacesModule {
  static forRoot(options: NamespacesOptions): DynamicModule {
    return {
      module: NamespacesModule,
      providers: [
        { provide: NAMESPACES_OPTIONS, useValue: options },
        NamespaceViewsService,
        NamespacesService,
        MembersService,
      ],
      exports: [NamespacesService, MembersService],
    };
  }
}

/** The worker's side: deleting a deleted namespace's contents. Needs `DataAccessModule` in the application. */
@Module({
  providers: [NamespaceContentsCleanupService],
  exports: [NamespaceContentsCleanupService],
})
export class NamespaceCleanupModule {}
