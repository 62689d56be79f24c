import { Module } from '@nestjs/common';
import { RecordingPlaybackModule } from '@fleetgate/recordings';
import { RecordingsController } from './recordings.controller';
import { ReportedRecordingsController } from './reported-recordings.controller';

@Module({ imports: [RecordingPlaybackModule], controllers: [RecordingsController, ReportedRecordingsController] })
export class RecordingsApiModule {}
