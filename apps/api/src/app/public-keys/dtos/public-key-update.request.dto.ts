import { OmitType } from '@nestjs/swagger';
import { PublicKeyCreateRequestDto } from './public-key-create.request.dto';

export class PublicKeyUpdateRequestDto extends OmitType(PublicKeyCreateRequestDto, ['data'] as const) {}
