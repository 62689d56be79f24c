import { type DynamicModule, Module } from '@nestjs/common';
import { SystemController } from './system.controller';
import { AppMetrics } from '@fleetgate/observability';
import {
  AGENT_DISTRIBUTION,
  type AgentDistribution,
  PUBLIC_INSTANCE_SETTINGS,
  type PublicInstanceSettings,
  SystemService,
} from './system.service';

@Module({})
export class SystemModule {
  static forRoot(settings: PublicInstanceSettings, agentDistribution: AgentDistribution): DynamicModule {
    return {
      module: SystemModule,
      controllers: [SystemController],
      providers: [
        SystemService,
        { provide: PUBLIC_INSTANCE_SETTINGS, useValue: settings },
        { provide: AGENT_DISTRIBUTION, useValue: agentDistribution },
        // One registry per application: bootstrap.ts times every request into it.
        { provide: AppMetrics, useFactory: () => new AppMetrics('api') },
      ],
      exports: [AppMetrics],
    };
  }
}
