import { type DynamicModule, Module } from '@nestjs/common';
import { SystemController } from './system.controller';
import { PUBLIC_ENDPOINTS, type PublicEndpoints, SystemService } from './system.service';

@Module({})
export class SystemModule {
  static forRoot(publicEndpoints: PublicEndpoints): DynamicModule {
    return {
      module: SystemModule,
      controllers: [SystemController],
      providers: [
        SystemService,
        { provide: PUBLIC_ENDPOINTS, useValue: publicEndpoints },
      ],
    };
  }
}
