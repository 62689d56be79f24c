export { EmailModule } from './email.module';
export { Mailer, type MailerOptions } from './mailer';
export { EmailTemplate, EmailTemplateError, renderEmail, type RenderedEmail } from './templates';
