import { type DynamicModule, Module } from '@nestjs/common';
import { NamespacesModule, type NamespacesOptions } from '@fleetgate/namespaces';
import { NamespacesController } from './namespaces.controller';

@Module({})
export class NamespacesApiModule {
  static forRoot(options: NamespacesOptions): DynamicModule {
    return {
      module: NamespacesApiModule,
      imports: [NamespacesModule.forRoot(options)],
      controllers: [NamespacesController],
    };
  }
}
