import { type DynamicModule, Module } from '@nestjs/common';
import { UsersModule, type UsersOptions } from '@fleetgate/users';
import { SetupController } from './setup.controller';
import { UsersController } from './users.controller';

@Module({})
export class UsersApiModule {
  static forRoot(options: UsersOptions): DynamicModule {
    return {
      module: UsersApiModule,
      imports: [UsersModule.forRoot(options)],
      controllers: [UsersController, SetupController],
    };
  }
}
