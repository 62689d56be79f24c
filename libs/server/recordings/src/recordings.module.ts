import { Module } from '@nestjs/common';
import { PLATFORM_KEYS } from '@fleetgate/identity';
import { RecordingIngestService } from './recording-ingest.service';
import { RecordingPlaybackService } from './recording-playback.service';
import { RecordingRetentionService } from './recording-retention.service';
import { ReportedRecordingService } from './reported-recording.service';
import { DatabaseRecordingStore, RecordingStore } from './recording-store';
import { RECORDING_PUBLIC_KEYS } from './recordings.tokens';

/** Ingest and retention (the worker). Needs `DataAccessModule` in the application. */
@Module({
  providers: [{ provide: RecordingStore, useClass: DatabaseRecordingStore }, RecordingIngestService, RecordingRetentionService],
  exports: [RecordingStore, RecordingIngestService, RecordingRetentionService],
})
export class RecordingsModule {}

/**
 * Playback and verification (the API), and recordings that a platform service reports through the contract's
 * record route. Needs `DataAccessModule` and `PlatformKeysModule` in the application.
 */
@Module({
  providers: [
    { provide: RecordingStore, useClass: DatabaseRecordingStore },
    { provide: RECORDING_PUBLIC_KEYS, inject: [PLATFORM_KEYS], useFactory: (keys: { publicKeyPem: string }) => keys },
    RecordingPlaybackService,
    RecordingIngestService,
    ReportedRecordingService,
  ],
  exports: [RecordingPlaybackService, ReportedRecordingService],
})
export class RecordingPlaybackModule {}
