import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type MemberRole,
  memberRoles,
  type MembershipStatus,
  membershipStatuses,
} from '@fleetgate/data-access';
import type {
  NamespaceBillingView,
  NamespaceMemberView,
  NamespaceSettingsView,
  NamespaceView,
} from '@fleetgate/namespaces';

export class NamespaceBillingDto implements NamespaceBillingView {
  @ApiProperty({ description: 'True while the paid plan applies (active, trialing, past due, ending at period end)' })
  active!: boolean;

  @ApiProperty({ example: 'active', description: 'inactive, or the Stripe subscription’s status' })
  status!: string;

  @ApiProperty({ example: 'cus_H9J5n2eZvKYlo2C7X1QX2Qg' })
  customer_id!: string;

  @ApiProperty({ example: 'sub_H9J5n2eZvKYlo2C7X1QX2Qg', description: 'Empty before the first subscription' })
  subscription_id!: string;

  @ApiProperty({ example: 1767225600, description: 'Unix seconds; 0 when unknown' })
  current_period_end!: number;

  @ApiProperty({ description: 'False while more devices are accepted than the plan allows: the gateway refuses connections' })
  can_connect!: boolean;
}

export class NamespaceMemberDto implements NamespaceMemberView {
  @ApiProperty({ description: 'The user’s ID' })
  id!: string;

  @ApiProperty({ enum: memberRoles })
  role!: MemberRole;

  @ApiProperty({ enum: membershipStatuses })
  status!: MembershipStatus;

  @ApiPropertyOptional({ example: 'john.doe@test.com' })
  email?: string;

  @ApiProperty({ type: String, format: 'date-time' })
  added_at!: Date;
}

export class NamespaceSettingsDto implements NamespaceSettingsView {
  @ApiProperty()
  session_record!: boolean;

  @ApiProperty()
  connection_announcement!: string;

  @ApiProperty({ description: 'Record what people type too' })
  session_record_input!: boolean;

  @ApiProperty({ description: 'Days recordings are kept; 0 follows the platform default' })
  session_record_retention_days!: number;
}

export class NamespaceDto implements NamespaceView {
  @ApiProperty({ example: 'examplespace' })
  name!: string;

  @ApiProperty({ description: 'The owner’s user ID' })
  owner!: string;

  @ApiProperty({ format: 'uuid' })
  tenant_id!: string;

  @ApiProperty({ type: [NamespaceMemberDto] })
  members!: NamespaceMemberDto[];

  @ApiProperty({ type: NamespaceSettingsDto })
  settings!: NamespaceSettingsDto;

  @ApiProperty({ example: -1, description: 'Most accepted devices; -1 for no limit' })
  max_devices!: number;

  @ApiProperty({ example: 0, description: 'Accepted devices' })
  device_count!: number;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: Date;

  @ApiProperty({
    type: NamespaceBillingDto,
    nullable: true,
    description: 'Null where billing is off, or before the namespace has a billing customer',
  })
  billing!: NamespaceBillingDto | null;
}
