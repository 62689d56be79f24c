import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPaymentRequiredResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { BillingService, BillingWebhookService, type Capacity, type CustomerView, type SubscriptionView } from '@fleetgate/billing';
import type { DeviceView } from '@fleetgate/devices';
import { type AuthenticatedMember, Authenticated, CurrentMember, Permission, RequirePermission } from '@fleetgate/identity';
import { DeviceDto } from '../devices/dtos/device.response.dto';
import { BillingReportQueryDto, DeviceChoiceRequestDto, PaymentMethodRequestDto } from './dtos/billing.request.dto';
import {
  CustomerDto,
  EvaluationDto,
  PortalLinkDto,
  SubscriptionDto,
  WebhookReceiptDto,
} from './dtos/billing.response.dto';

/** Where Stripe delivers events; bootstrap.ts keeps their bodies raw for the signature check. */
export const billingWebhookPaths = ['/api/billing/webhook', '/api/webhook-billing'];

const notEnabled = 'Billing is not enabled on this deployment, or the namespace has no such billing object yet.';
const stripeFailed = 'Stripe failed (unreachable, refused our credentials, or an error of its own).';

/** ShellHub Cloud's billing routes (shellhub-behaviour 3.18): only the namespace's owner changes billing. */
@ApiTags('billing')
@Authenticated()
@ApiNotFoundResponse({ description: notEnabled })
@ApiBadGatewayResponse({ description: stripeFailed })
@Controller('api/billing')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get('customer')
  @RequirePermission(Permission.BillingGetCustomer)
  @ApiOperation({ operationId: 'getCustomer', summary: 'Get the namespace’s billing customer and payment methods' })
  @ApiOkResponse({ type: CustomerDto })
  getCustomer(@CurrentMember() member: AuthenticatedMember): Promise<CustomerView> {
    return this.billing.getCustomer(member);
  }

  @Post('customer')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.BillingCreateCustomer)
  @ApiOperation({ operationId: 'createCustomer', summary: 'Create the namespace’s billing customer, named after its owner' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiConflictResponse({ description: 'The namespace already has a customer.' })
  createCustomer(@CurrentMember() member: AuthenticatedMember): Promise<CustomerView> {
    return this.billing.createCustomer(member);
  }

  @Post('paymentmethod/attach')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.BillingAddPaymentMethod)
  @ApiOperation({ operationId: 'attachPaymentMethod', summary: 'Attach a payment method created by Stripe.js in the browser' })
  @ApiOkResponse({ description: 'Attached.' })
  @ApiBadRequestResponse({ description: 'Not a payment method id, or Stripe refused it.' })
  @ApiPaymentRequiredResponse({ description: 'The card was declined.' })
  async attachPaymentMethod(@CurrentMember() member: AuthenticatedMember, @Body() { id }: PaymentMethodRequestDto): Promise<void> {
    await this.billing.attachPaymentMethod(member, id);
  }

  @Post('paymentmethod/detach')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.BillingRemovePaymentMethod)
  @ApiOperation({ operationId: 'detachPaymentMethod', summary: 'Detach one of the customer’s payment methods' })
  @ApiOkResponse({ description: 'Detached.' })
  async detachPaymentMethod(@CurrentMember() member: AuthenticatedMember, @Body() { id }: PaymentMethodRequestDto): Promise<void> {
    await this.billing.detachPaymentMethod(member, id);
  }

  @Post('paymentmethod/default')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.BillingUpdatePaymentMethod)
  @ApiOperation({ operationId: 'setDefaultPaymentMethod', summary: 'Make one of the customer’s payment methods the default' })
  @ApiOkResponse({ description: 'Set.' })
  async setDefaultPaymentMethod(@CurrentMember() member: AuthenticatedMember, @Body() { id }: PaymentMethodRequestDto): Promise<void> {
    await this.billing.setDefaultPaymentMethod(member, id);
  }

  @Get('subscription')
  @RequirePermission(Permission.BillingGetSubscription)
  @ApiOperation({ operationId: 'getSubscription', summary: 'Get the subscription, with its status, period end and invoices' })
  @ApiOkResponse({ type: SubscriptionDto })
  getSubscription(@CurrentMember() member: AuthenticatedMember): Promise<SubscriptionView> {
    return this.billing.getSubscription(member);
  }

  @Post('subscription')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.BillingCreateSubscription)
  @ApiOperation({ operationId: 'createSubscription', summary: 'Subscribe the namespace to the paid plan' })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiConflictResponse({ description: 'The namespace already has an active subscription.' })
  @ApiPaymentRequiredResponse({ description: 'The default payment method was declined.' })
  createSubscription(@CurrentMember() member: AuthenticatedMember): Promise<SubscriptionView> {
    return this.billing.createSubscription(member);
  }

  @Post('portal')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.BillingPortal)
  @ApiOperation({ operationId: 'createBillingPortalLink', summary: 'A link to Stripe’s billing portal for the customer' })
  @ApiOkResponse({ type: PortalLinkDto })
  portal(@CurrentMember() member: AuthenticatedMember): Promise<{ url: string }> {
    return this.billing.portalLink(member);
  }

  @Post('evaluate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'evaluate', summary: 'Whether the namespace may accept one more device, and be connected to' })
  @ApiOkResponse({ type: EvaluationDto })
  evaluate(@CurrentMember() member: AuthenticatedMember): Promise<Capacity> {
    return this.billing.evaluate(member);
  }

  @Post('device-choice')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.BillingChooseDevices)
  @ApiOperation({ operationId: 'choiceDevices', summary: 'Over the device limit, keep these accepted devices; the others go back to pending' })
  @ApiOkResponse({ type: EvaluationDto })
  @ApiBadRequestResponse({ description: 'Too many choices, a choice that is not an accepted device, or nothing to choose.' })
  chooseDevices(@CurrentMember() member: AuthenticatedMember, @Body() { choices }: DeviceChoiceRequestDto): Promise<Capacity> {
    return this.billing.chooseDevices(member, choices);
  }

  @Get('devices-most-used')
  @RequirePermission(Permission.BillingChooseDevices)
  @ApiOperation({ operationId: 'getDevicesMostUsed', summary: 'The accepted devices suggested for the device choice' })
  @ApiOkResponse({ type: [DeviceDto] })
  devicesMostUsed(@CurrentMember() member: AuthenticatedMember): Promise<DeviceView[]> {
    return this.billing.devicesMostUsed(member);
  }

  @Post('report')
  @HttpCode(HttpStatus.OK)
  @RequirePermission(Permission.BillingReport)
  @ApiOperation({ operationId: 'report', summary: 'Report a device acceptance or a namespace deletion to Stripe (through the worker)' })
  @ApiOkResponse({ schema: { type: 'string', example: 'reported' } })
  @ApiPaymentRequiredResponse({ description: 'The namespace has no active subscription.' })
  report(
    @CurrentMember() member: AuthenticatedMember,
    @Query() { action }: BillingReportQueryDto,
    @Req() request: Request & { id?: unknown },
  ): Promise<string> {
    return this.billing.report(member, action, String(request.id));
  }
}

/**
 * Stripe's webhook: no user authentication, the signature over the raw body is the credential. The raw body parser
 * is mounted for these paths only (bootstrap.ts). `/api/webhook-billing` is ShellHub Cloud's path for it.
 */
@ApiTags('billing')
@ApiExtraModels(WebhookReceiptDto)
@Controller()
export class BillingWebhookController {
  constructor(private readonly webhooks: BillingWebhookService) {}

  // One handler per path: each operation of the OpenAPI document needs its own operationId (the UI's generated
  // client has one function per operation).
  @Post(billingWebhookPaths[0].slice(1))
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'billingWebhook', summary: 'Stripe’s webhook deliveries, verified by their Stripe-Signature' })
  @ApiBody({ description: 'A Stripe event, exactly as Stripe sent it', schema: { type: 'object' } })
  @ApiOkResponse({ type: WebhookReceiptDto })
  @ApiBadRequestResponse({ description: 'Missing, bad or old signature.' })
  receive(@Req() request: Request, @Headers('stripe-signature') signature?: string) {
    return this.webhooks.receive(request.body, signature);
  }

  @Post(billingWebhookPaths[1].slice(1))
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'billingWebhookShellHubPath', summary: 'The same webhook at ShellHub Cloud’s path' })
  @ApiBody({ description: 'A Stripe event, exactly as Stripe sent it', schema: { type: 'object' } })
  @ApiOkResponse({ type: WebhookReceiptDto })
  @ApiBadRequestResponse({ description: 'Missing, bad or old signature.' })
  receiveAtShellHubPath(@Req() request: Request, @Headers('stripe-signature') signature?: string) {
    return this.webhooks.receive(request.body, signature);
  }
}
