import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';
import { NAMESPACE_NAME_PATTERN } from '@fleetgate/identity';

export const lowerCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.toLowerCase() : value;
export const NAMESPACE_NAME_MESSAGE = 'name must be 3 to 30 letters, digits or inner "-" (stored lower-case)';

export class NamespaceCreateRequestDto {
  @ApiProperty({
    pattern: NAMESPACE_NAME_PATTERN.source,
    example: 'examplespace',
    description: 'Namespace’s name',
  })
  @Transform(lowerCase)
  @IsString()
  @Matches(NAMESPACE_NAME_PATTERN, { message: NAMESPACE_NAME_MESSAGE })
  name!: string;
}
