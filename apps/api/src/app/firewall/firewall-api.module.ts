import { Module } from '@nestjs/common';
import { FirewallModule } from '@fleetgate/firewall';
import { TagsModule } from '@fleetgate/tags';
import { FirewallController } from './firewall.controller';

@Module({ imports: [FirewallModule, TagsModule], controllers: [FirewallController] })
export class FirewallApiModule {}
