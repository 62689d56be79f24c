import { ApiProperty } from '@nestjs/swagger';
import type { DependencyState, HealthReport } from '@fleetgate/contracts';

export class HealthReportDto implements HealthReport {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status!: 'ok' | 'unavailable';

  @ApiProperty({ example: 'api' })
  service!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ example: { database: 'up', redis: 'up' }, additionalProperties: { enum: ['up', 'down'] } })
  checks!: Record<string, DependencyState>;
}
