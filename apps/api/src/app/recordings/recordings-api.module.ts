import { Module } from '@nestjs/common';
import { RecordingPlaybackModule } from '@fleetgate/recordings';
import { RecordingsController } from './recordings.controller';

@Module({ imports: [RecordingPlaybackModule], controllers: [RecordingsController] })
export class RecordingsApiModule {}
