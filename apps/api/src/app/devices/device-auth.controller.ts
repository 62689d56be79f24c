import { Body, Controller, Headers, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { DEVICE_AUTH_SIGNATURE_HEADER, DEVICE_AUTH_TIMESTAMP_HEADER } from '@fleetgate/contracts';
import { type DeviceAuthResponse, DeviceRegistrationService } from '@fleetgate/devices';
import { ClientAddress } from '../common/client-address.decorator';
import { DeviceAuthRequestDto } from './dtos/device-auth.request.dto';
import { DeviceAuthResponseDto } from './dtos/device-auth.response.dto';
import {
  SshLoginChallengeRequestDto,
  SshLoginChallengeResponseDto,
} from './dtos/ssh-login-challenge.request.dto';

const signatureHeader = {
  name: 'X-Fleetgate-Signature',
  required: false,
  description:
    'Base64 signature, by the device’s private key, of the registration (see docs/device-registration.md). ' +
    'Required to register a known device again; optional for a new one.',
};
const timestampHeader = {
  name: 'X-Fleetgate-Timestamp',
  required: false,
  description: 'Unix time in milliseconds at which the signature was made; refused beyond 5 minutes either way.',
};
const refusedDescription = {
  description:
    'A known device registered without a signature, or with a stale, replayed or wrong one: no token, nothing changed.',
};

const documented = {
  type: DeviceAuthResponseDto,
  description: 'The device is registered; here is its token.',
};

/**
 * Where agents register. No bearer authentication: the device's key pair and the tenant id are its credentials, and
 * registering a known device again needs a signature by its private key (docs/device-registration.md).
 */
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
  @ApiHeader(signatureHeader)
  @ApiHeader(timestampHeader)
  @ApiUnauthorizedResponse(refusedDescription)
  authenticate(
    @Body() body: DeviceAuthRequestDto,
    @ClientAddress() remoteAddress: string,
    @Headers(DEVICE_AUTH_SIGNATURE_HEADER) signature: string | undefined,
    @Headers(DEVICE_AUTH_TIMESTAMP_HEADER) timestamp: string | undefined,
  ): Promise<DeviceAuthResponse> {
    return this.registration.register(body, remoteAddress, { signature, timestamp });
  }

  @Post('auth/device')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'authDevice_1', summary: 'Alias of POST /api/devices/auth' })
  @ApiOkResponse(documented)
  @ApiHeader(signatureHeader)
  @ApiHeader(timestampHeader)
  @ApiUnauthorizedResponse(refusedDescription)
  authenticateAlias(
    @Body() body: DeviceAuthRequestDto,
    @ClientAddress() remoteAddress: string,
    @Headers(DEVICE_AUTH_SIGNATURE_HEADER) signature: string | undefined,
    @Headers(DEVICE_AUTH_TIMESTAMP_HEADER) timestamp: string | undefined,
  ): Promise<DeviceAuthResponse> {
    return this.registration.register(body, remoteAddress, { signature, timestamp });
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
