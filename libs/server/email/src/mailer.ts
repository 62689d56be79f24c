import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { RenderedEmail } from './templates';

export const MAILER_OPTIONS = Symbol('MAILER_OPTIONS');

export interface MailerOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  /** The From header, e.g. `Fleetgate <no-reply@fleetgate.example>`. */
  from: string;
}

/** Sends rendered e-mails over SMTP with nodemailer; one pooled transport for the process. */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly transport: Transporter;

  constructor(@Inject(MAILER_OPTIONS) private readonly options: MailerOptions) {
    this.transport = createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
      pool: true,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  /** Sends the e-mail; the returned id is the SMTP server's message id. */
  async send(to: string, email: RenderedEmail): Promise<string> {
    const sent = (await this.transport.sendMail({
      from: this.options.from,
      to,
      subject: email.subject,
      text: email.text,
      html: email.html,
    })) as { messageId: string };
    return sent.messageId;
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
