import { type DynamicModule, Module } from '@nestjs/common';
import { Mailer, MAILER_OPTIONS, type MailerOptions } from './mailer';

@Module({})
export class EmailModule {
  static forRoot(options: MailerOptions): DynamicModule {
    return {
      module: EmailModule,
      providers: [{ provide: MAILER_OPTIONS, useValue: options }, Mailer],
      exports: [Mailer],
    };
  }
}
