import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { DependencyState } from '@fleetgate/contracts';

@Injectable()
export class DatabaseHealthIndicator {
  readonly name = 'database';

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async check(): Promise<DependencyState> {
    try {
      if (!this.connection.db) return 'down';
      await this.connection.db.admin().ping();
      return 'up';
    } catch {
      return 'down';
    }
  }
}
