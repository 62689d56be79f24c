import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { TAG_PATTERN } from '../../common/tag.dto';

export class FirewallRuleParamsDto {
  @ApiProperty({ example: '507f1f77bcf86cd799439011' })
  @Matches(/^[0-9a-f]{24}$/, { message: 'id must be 24 hex digits' })
  id!: string;
}

export class FirewallRuleTagParamsDto extends FirewallRuleParamsDto {
  @ApiProperty({ example: 'kitchen' })
  @Matches(TAG_PATTERN, { message: 'a tag must be 3 to 255 letters or digits' })
  tag!: string;
}
