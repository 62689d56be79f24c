import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { SessionController } from './session.controller';

/** Login, the current user and namespace switching; `IdentityModule` (global) provides the services. */
@Module({ controllers: [AuthController, SessionController] })
export class AuthApiModule {}
