import { type DynamicModule, Module } from '@nestjs/common';
import { SessionsModule, type SessionsOptions } from '@fleetgate/sessions';
import { InternalRoutesController } from './internal-routes.controller';
import { SessionsController } from './sessions.controller';

@Module({})
export class SessionsApiModule {
  static forRoot(options: SessionsOptions): DynamicModule {
    return {
      module: SessionsApiModule,
      imports: [SessionsModule.forRoot(options)],
      controllers: [SessionsController, InternalRoutesController],
      exports: [SessionsModule],
    };
  }
}
