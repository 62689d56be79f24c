import { Body, Controller, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SetupService } from '@fleetgate/users';
import { SetupQueryDto, SetupRequestDto } from './dtos/users.request.dto';
import { AuthRateLimited } from '../common/auth-rate-limit.guard';

@ApiTags('system')
@Controller('api/setup')
export class SetupController {
  constructor(private readonly setupService: SetupService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'setup',
    summary: 'First run: create the first user and a namespace named after them',
  })
  @ApiOkResponse({ description: 'Set up.' })
  @ApiBadRequestResponse({ description: 'sign or a field is missing or malformed.' })
  @ApiForbiddenResponse({ description: 'sign does not match, or the installation is already set up.' })
  @AuthRateLimited()
  async setup(@Query() { sign }: SetupQueryDto, @Body() body: SetupRequestDto): Promise<void> {
    await this.setupService.setup(sign, body);
  }
}
