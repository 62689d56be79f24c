import { Module } from '@nestjs/common';
import { FirewallService } from './firewall.service';

/** Firewall rules and their evaluation. Needs `DataAccessModule` in the application. */
@Module({
  providers: [FirewallService],
  exports: [FirewallService],
})
export class FirewallModule {}
