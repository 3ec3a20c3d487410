import Foundation

/// What the store keeps for activation and parametric memory artifacts.
public protocol ArtifactStore: Sendable {
}

extension SQLiteStore: ArtifactStore {}
