import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';

/** ShellHub's tag rule: 3 to 255 letters or digits. */
export const TAG_PATTERN = /^[a-zA-Z0-9]{3,255}$/;
const TAG_MESSAGE = 'a tag must be 3 to 255 letters or digits';

export class TagRequestDto {
  @ApiProperty({ example: 'kitchen' })
  @IsString()
  @Matches(TAG_PATTERN, { message: TAG_MESSAGE })
  tag!: string;
}

export class TagsRequestDto {
  @ApiProperty({ type: [String], maxItems: 3, example: ['kitchen', 'garage'] })
  @IsArray()
  @ArrayMaxSize(3)
  @Matches(TAG_PATTERN, { each: true, message: TAG_MESSAGE })
  tags!: string[];
}

export class TagParamsDto {
  @ApiProperty({ example: 'kitchen' })
  @Matches(TAG_PATTERN, { message: TAG_MESSAGE })
  tag!: string;
}
