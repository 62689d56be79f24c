import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type DeviceAuthResponse, DeviceRegistrationService } from '@fleetgate/devices';
import { ClientAddress } from '../common/client-address.decorator';
import { DeviceAuthRequestDto } from './dtos/device-auth.request.dto';
import { DeviceAuthResponseDto } from './dtos/device-auth.response.dto';
import {
  SshLoginChallengeRequestDto,
  SshLoginChallengeResponseDto,
} from './dtos/ssh-login-challenge.request.dto';

const documented = {
  type: DeviceAuthResponseDto,
  description: 'The device is registered; here is its token.',
};

/** Where agents register. No authentication: the device's key pair and the tenant id are its credentials. */
@ApiTags('devices')
@ApiBadRequestResponse({ description: 'A field is missing or malformed.' })
@ApiNotFoundResponse({ description: 'No namespace has this tenant id.' })
@Controller('api')
export class DeviceAuthController {
  constructor(private readonly registration: DeviceRegistrationService) {}

  @Post('devices/auth')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'authDevice', summary: 'Register or re-authenticate a device' })
  @ApiOkResponse(documented)
  authenticate(
    @Body() body: DeviceAuthRequestDto,
    @ClientAddress() remoteAddress: string,
  ): Promise<DeviceAuthResponse> {
    return this.registration.register(body, remoteAddress);
  }

  @Post('auth/device')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'authDevice_1', summary: 'Alias of POST /api/devices/auth' })
  @ApiOkResponse(documented)
  authenticateAlias(
    @Body() body: DeviceAuthRequestDto,
    @ClientAddress() remoteAddress: string,
  ): Promise<DeviceAuthResponse> {
    return this.registration.register(body, remoteAddress);
  }

  @Post('auth/ssh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'authSSHPublicKey',
    summary:
      'Sign a login challenge with a gateway-minted key (ShellHub agents; Fleetgate mints none, see ADR 0002)',
  })
  @ApiOkResponse({ type: SshLoginChallengeResponseDto })
  @ApiUnauthorizedResponse({ description: 'No valid device token.' })
  signLoginChallenge(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: SshLoginChallengeRequestDto,
  ): Promise<{ signature: string }> {
    return this.registration.signLoginChallenge(authorization, body.fingerprint);
  }
}
