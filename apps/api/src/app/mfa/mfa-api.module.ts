import { Module } from '@nestjs/common';
import { MfaController } from './mfa.controller';

/** The MFA routes; `IdentityModule` (global) provides `MfaService`. */
@Module({ controllers: [MfaController] })
export class MfaApiModule {}
