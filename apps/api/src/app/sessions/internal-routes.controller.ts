import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { REPORTED_SESSION_GATEWAY_ID } from '@fleetgate/data-access';
import { CurrentInternalCaller, type InternalCaller, InternalRoute } from '@fleetgate/identity';
import { GatewayCallsService, type SessionView, SessionsService } from '@fleetgate/sessions';
import { DeviceUidParamsDto } from '../devices/dtos/device.params.dto';
import { PublicKeyEvaluateParamsDto, PublicKeyEvaluateQueryDto } from './dtos/public-key-evaluate.dto';
import { SessionUidParamsDto } from './dtos/session.params.dto';
import { SessionAuthenticatedRequestDto, SessionCreateRequestDto } from './dtos/session-requests.dto';
import { SessionDto } from './dtos/session.response.dto';

/**
 * The contract's internal routes: what ShellHub's gateway and agents call. Never the public, never a member: a
 * platform service with `X-Internal-Token` (INTERNAL_API_TOKEN), or a device with its token where the contract
 * lets a device report about itself. Fleetgate's own gateway does all of this in process.
 */
@ApiTags('internal')
@Controller()
export class InternalRoutesController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly gatewayCalls: GatewayCallsService,
  ) {}

  @Post('api/sessions')
  @HttpCode(HttpStatus.OK)
  @InternalRoute('service')
  @ApiOperation({ operationId: 'createSession', summary: 'Record a connection that resolved its device (gateways)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiBadRequestResponse({ description: 'A field is missing or malformed.' })
  @ApiNotFoundResponse({ description: 'No such device.' })
  @ApiConflictResponse({ description: 'A session with this uid exists.' })
  create(@Body() body: SessionCreateRequestDto): Promise<SessionView> {
    return this.sessions.createReported(body, REPORTED_SESSION_GATEWAY_ID);
  }

  @Post('api/sessions/:uid')
  @HttpCode(HttpStatus.OK)
  @InternalRoute('service')
  @ApiOperation({ operationId: 'setSessionAuthenticationStatus', summary: 'Set whether the login succeeded (gateways)' })
  @ApiOkResponse({ description: 'Set.' })
  @ApiNotFoundResponse({ description: 'No such session.' })
  setAuthenticated(@Param() { uid }: SessionUidParamsDto, @Body() body: SessionAuthenticatedRequestDto): Promise<void> {
    return this.sessions.setAuthenticated(uid, body.authenticated ?? true);
  }

  @Post('api/sessions/:uid/keepalive')
  @HttpCode(HttpStatus.OK)
  @InternalRoute('service')
  @ApiOperation({ operationId: 'keepAliveSession', summary: 'The session is still there (gateways)' })
  @ApiOkResponse({ description: 'Kept alive; a closed session stays closed.' })
  @ApiNotFoundResponse({ description: 'No such session.' })
  keepalive(@Param() { uid }: SessionUidParamsDto): Promise<void> {
    return this.sessions.keepalive(uid);
  }

  @Put('api/devices/:uid/offline')
  @InternalRoute('device', 'service')
  @ApiOperation({ operationId: 'setDeviceOffline', summary: 'A device reports itself offline (alias of the internal route)' })
  @ApiOkResponse({ description: 'Offline until a gateway that holds its tunnel refreshes it.' })
  @ApiNotFoundResponse({ description: 'No such device.' })
  offline(@CurrentInternalCaller() caller: InternalCaller, @Param() { uid }: DeviceUidParamsDto): Promise<void> {
    return this.gatewayCalls.reportOffline(caller, uid);
  }

  @Post('internal/devices/:uid/offline')
  @HttpCode(HttpStatus.OK)
  @InternalRoute('device', 'service')
  @ApiOperation({ operationId: 'updateDeviceStatusOffline', summary: 'Mark a device offline' })
  @ApiOkResponse({ description: 'Offline until a gateway that holds its tunnel refreshes it.' })
  @ApiNotFoundResponse({ description: 'No such device.' })
  internalOffline(@CurrentInternalCaller() caller: InternalCaller, @Param() { uid }: DeviceUidParamsDto): Promise<void> {
    return this.gatewayCalls.reportOffline(caller, uid);
  }

  @Get('api/sshkeys/public-keys/evaluate/:fingerprint/:username')
  // Nest sends a bare boolean as text; the contract's answer is the JSON `true` or `false`.
  @Header('Content-Type', 'application/json')
  @InternalRoute('service')
  @ApiOperation({
    operationId: 'evaluatePublicKey',
    summary: 'Whether a public key may log in as a user on a device (gateways): its username rule and its filter',
  })
  @ApiOkResponse({ schema: { type: 'boolean', example: true } })
  @ApiNotFoundResponse({ description: 'No such device, or no such key in its namespace.' })
  evaluate(
    @Param() { fingerprint, username }: PublicKeyEvaluateParamsDto,
    @Query() { device }: PublicKeyEvaluateQueryDto,
  ): Promise<boolean> {
    return this.gatewayCalls.evaluatePublicKey(fingerprint, username, device);
  }
}
