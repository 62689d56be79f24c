import { type DynamicModule, Module } from '@nestjs/common';
import { SystemController } from './system.controller';
import { PUBLIC_INSTANCE_SETTINGS, type PublicInstanceSettings, SystemService } from './system.service';

@Module({})
export class SystemModule {
  static forRoot(settings: PublicInstanceSettings): DynamicModule {
    return {
      module: SystemModule,
      controllers: [SystemController],
      providers: [
        SystemService,
        { provide: PUBLIC_INSTANCE_SETTINGS, useValue: settings },
      ],
    };
  }
}
