export { NamespaceCleanupModule, NamespacesModule } from './namespaces.module';
export { NAMESPACES_OPTIONS, type NamespacesOptions } from './namespaces.options';
export {
  NamespacesService,
  deleteNamespaceContentsJobId,
  scopeOfPath,
  type NamespaceListQuery,
  type NamespaceUpdate,
} from './namespaces.service';
export {
  INVITATION_EMAIL_TEMPLATE,
  MembersService,
  type InvitationStatus,
  type MemberInvitation,
} from './members.service';
export {
  NamespaceContentsCleanupService,
  type NamespaceContentsDeleted,
  type OrphanSweepResult,
} from './namespace-contents-cleanup.service';
export {
  INVITATION_LIFETIME_SECONDS,
  signInvitation,
  verifyInvitation,
  type InvitationClaims,
} from './invitation-signature';
export type { NamespaceBillingView, NamespaceMemberView, NamespaceSettingsView, NamespaceView } from './namespace.view';
