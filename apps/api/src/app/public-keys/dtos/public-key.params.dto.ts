import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { TAG_PATTERN } from '../../common/tag.dto';

export class PublicKeyParamsDto {
  @ApiProperty({ example: 'b7:25:f8:9b:b9:b7:7a:02:8e:6b:24:ae:1b:92:58:9c', description: 'Legacy MD5 fingerprint' })
  @Matches(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/, { message: 'fingerprint must be 16 colon-separated hex bytes' })
  fingerprint!: string;
}

export class PublicKeyTagParamsDto extends PublicKeyParamsDto {
  @ApiProperty({ example: 'kitchen' })
  @Matches(TAG_PATTERN, { message: 'a tag must be 3 to 255 letters or digits' })
  tag!: string;
}
