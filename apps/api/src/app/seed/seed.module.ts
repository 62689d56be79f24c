import { type DynamicModule, Module } from '@nestjs/common';
import { DataAccessModule, type DataAccessOptions } from '@fleetgate/data-access';
import { AccountsModule } from '@fleetgate/identity';

/** What the seed command needs: the database and accounts, no HTTP, Redis or platform keys. */
@Module({})
export class SeedModule {
  static forRoot(database: DataAccessOptions): DynamicModule {
    return { module: SeedModule, imports: [DataAccessModule.forRoot(database), AccountsModule] };
  }
}
