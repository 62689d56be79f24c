import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { InternalRoute } from '@fleetgate/identity';
import { type ReportedFrameOutcome, ReportedRecordingService } from '@fleetgate/recordings';
import { RecordedFrameRequestDto, RecordedFrameResponseDto } from './dtos/recorded-frame.dto';
import { SessionUidParamsDto } from './dtos/session-uid.params.dto';

/**
 * The contract's record route, for a gateway of ShellHub's kind that reported its session through the internal
 * session routes. Fleetgate's own gateway records through the recordings queue (ADR 0009) and never calls it.
 */
@ApiTags('internal')
@Controller('api/sessions')
export class ReportedRecordingsController {
  constructor(private readonly recordings: ReportedRecordingService) {}

  @Post(':uid/record')
  @HttpCode(HttpStatus.OK)
  @InternalRoute('service')
  @ApiOperation({
    operationId: 'recordSession',
    summary: 'Record what a reported session’s terminal received: one chained, signed chunk per call (gateways)',
  })
  @ApiOkResponse({ type: RecordedFrameResponseDto })
  @ApiBadRequestResponse({ description: 'A field is missing or malformed, or the body names another session.' })
  @ApiUnauthorizedResponse({ description: 'Not a platform service (X-Internal-Token).' })
  @ApiNotFoundResponse({ description: 'No such session.' })
  @ApiConflictResponse({ description: 'The session has ended, or one of Fleetgate’s gateways records it.' })
  record(@Param() { uid }: SessionUidParamsDto, @Body() body: RecordedFrameRequestDto): Promise<ReportedFrameOutcome> {
    return this.recordings.append(uid, body);
  }
}
