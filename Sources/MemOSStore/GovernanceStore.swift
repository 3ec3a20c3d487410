/// Everything the governance layer persists: memories and identities, wrapped data keys and the
/// audit trail. One protocol so a second engine implements one contract.
public protocol GovernanceStore:
    GatewayStore, DataKeyStore, AuditStore, ManagementStore, ArtifactStore, CubeSharingStore, OfferingStore, SchedulerStore
{}

extension SQLiteStore: GovernanceStore {}
