import { type DynamicModule, Module } from '@nestjs/common';
import { NamespacesModule, type NamespacesOptions } from '@fleetgate/namespaces';
import { MembersController } from './members.controller';

@Module({})
export class MembersApiModule {
  static forRoot(options: NamespacesOptions): DynamicModule {
    return {
      module: MembersApiModule,
      imports: [NamespacesModule.forRoot(options)],
      controllers: [MembersController],
    };
  }
}
