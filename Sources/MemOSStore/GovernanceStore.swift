/// Everything the governance layer persists: memories and identities, wrapped data keys, leak
/// fingerprints and the audit trail. One protocol so a second engine implements one contract.
public protocol GovernanceStore: GatewayStore, DataKeyStore, FingerprintStore, AuditStore, ManagementStore {}

extension SQLiteStore: GovernanceStore {}
