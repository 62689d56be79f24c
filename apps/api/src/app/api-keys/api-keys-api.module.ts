import { Module } from '@nestjs/common';
import { ApiKeysModule } from '@fleetgate/api-keys';
import { ApiKeysController } from './api-keys.controller';

@Module({ imports: [ApiKeysModule], controllers: [ApiKeysController] })
export class ApiKeysApiModule {}
