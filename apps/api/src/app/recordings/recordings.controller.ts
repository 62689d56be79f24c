import { Readable } from 'node:stream';
import { Controller, Get, Param, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedMember, Authenticated, CurrentMember } from '@fleetgate/identity';
import { type PlayedFrame, RecordingPlaybackService, type VerificationReport } from '@fleetgate/recordings';
import { PlayedFrameDto, RecordingVerificationDto } from './dtos/recording.response.dto';
import { SessionUidParamsDto } from './dtos/session-uid.params.dto';

/**
 * Playback and verification of session recordings. Any member may watch the namespace's recordings, as in
 * ShellHub; another tenant's session is a 404.
 */
@ApiTags('sessions')
@Authenticated()
@Controller('api/sessions')
export class RecordingsController {
  constructor(private readonly playback: RecordingPlaybackService) {}

  @Get(':uid/play')
  @ApiOperation({ operationId: 'getSessionData', summary: 'Get session recorded data: the frames the terminal received' })
  @ApiOkResponse({ type: PlayedFrameDto, isArray: true })
  @ApiNotFoundResponse({ description: 'No such session in this namespace.' })
  play(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: SessionUidParamsDto): Promise<PlayedFrame[]> {
    return this.playback.play(member.scope, uid);
  }

  @Get(':uid/asciicast')
  @ApiOperation({
    operationId: 'getSessionAsciicast',
    summary: 'Download the recording as an asciicast v2 file (asciinema play, asciinema-player), streamed',
  })
  @ApiProduces('application/x-asciicast')
  @ApiOkResponse({ description: 'asciicast v2: a JSON header line, then one [time, code, data] line per event.' })
  @ApiNotFoundResponse({ description: 'No such session in this namespace.' })
  async asciicast(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: SessionUidParamsDto): Promise<StreamableFile> {
    const lines = await this.playback.asciicast(member.scope, uid);
    return new StreamableFile(Readable.from(lines), {
      type: 'application/x-asciicast',
      disposition: `attachment; filename="${uid}.cast"`,
    });
  }

  @Get(':uid/verify')
  @ApiOperation({
    operationId: 'verifySessionRecording',
    summary: 'Check the recording’s hash chain and platform signatures: intact, or the first chunk that does not match',
  })
  @ApiOkResponse({ type: RecordingVerificationDto })
  @ApiNotFoundResponse({ description: 'No such session in this namespace.' })
  verify(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: SessionUidParamsDto): Promise<VerificationReport> {
    return this.playback.verify(member.scope, uid);
  }

  @Get(':uid/recording')
  @ApiOperation({
    operationId: 'getSessionRecordingBundle',
    summary: 'Download the recording with its hash chain and signatures, for offline verification (docs/recordings.md)',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'JSON lines: a header with the platform public key, the chunks, the signatures.' })
  @ApiNotFoundResponse({ description: 'No such session in this namespace.' })
  async bundle(@CurrentMember() member: AuthenticatedMember, @Param() { uid }: SessionUidParamsDto): Promise<StreamableFile> {
    const lines = await this.playback.bundle(member.scope, uid);
    return new StreamableFile(Readable.from(lines), {
      type: 'application/x-ndjson',
      disposition: `attachment; filename="${uid}.recording.jsonl"`,
    });
  }
}
