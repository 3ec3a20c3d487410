import Foundation
import MemOSGovernance
import MemOSStore
import Testing

@testable import memos_admin

/// `backup create` / `backup restore` offline: round trip, and refusals that leave the target alone.
@Suite struct BackupArchiveTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("memos-backup-tests-\(UUID().uuidString)")

    func directory(_ name: String) -> URL { root.appendingPathComponent(name) }

    func sha(_ url: URL) throws -> String { try BackupArchive.hash(file: url).1 }

    /// A fresh data directory (master key, database, operator) and a backup of it.
    func source() async throws -> (URL, URL) {
        let data = directory("source")
        _ = try await DataDirectory.initialize(at: data)
        let archive = root.appendingPathComponent("backup.mbak")
        try BackupArchive.create(
            dataDirectory: data, archive: archive, masterKey: try DataDirectory(url: data).loadMasterKey(environment: [:]))
        return (data, archive)
    }

    /// An empty directory holding a copy of `data`'s master key.
    func sibling(of data: URL, named name: String) throws -> URL {
        let target = directory(name)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: data.appendingPathComponent("master.key"), to: target.appendingPathComponent("master.key"))
        return target
    }

    @Test func aBackupRestoresIntoADirectoryWithTheSameMasterKey() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (data, archive) = try await source()
        let mode = try FileManager.default.attributesOfItem(atPath: archive.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let bytes = try Data(contentsOf: archive)
        #expect(bytes.starts(with: Data("MEMOS-BACKUP/1\n".utf8)))
        // The master key is not in the archive.
        let masterKeyText = try String(contentsOf: data.appendingPathComponent("master.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(bytes.range(of: Data(masterKeyText.utf8)) == nil)

        let target = try sibling(of: data, named: "target")
        let manifest = try await BackupArchive.restore(archive: archive, dataDirectory: target, environment: [:])
        #expect(manifest.kekID == Keyring.kekID(try DataDirectory(url: data).loadMasterKey(environment: [:])))
        #expect(manifest.migrations.contains("v1-identity-and-memories"))
        #expect(manifest.files.map(\.name) == ["memos.sqlite"])
        #expect(try sha(target.appendingPathComponent("memos.sqlite")) == manifest.files[0].sha256)

        let original = try await SQLiteStore(path: data.appendingPathComponent("memos.sqlite").path).allDataKeys()
        let restored = try await SQLiteStore(path: target.appendingPathComponent("memos.sqlite").path).allDataKeys()
        #expect(Set(original.map(\.id)) == Set(restored.map(\.id)))
        #expect(!restored.isEmpty)
        // Nothing is left behind in the target but the database (and its key).
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: target.path).filter { $0.hasPrefix(".memos") }
        #expect(leftovers.isEmpty)
    }

    @Test func theMasterKeyMayComeFromTheEnvironment() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (data, archive) = try await source()
        let key = try String(contentsOf: data.appendingPathComponent("master.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let fresh = directory("fresh")  // does not exist yet
        try await BackupArchive.restore(archive: archive, dataDirectory: fresh, environment: ["MEMOS_MASTER_KEY": key])
        #expect(FileManager.default.fileExists(atPath: fresh.appendingPathComponent("memos.sqlite").path))
    }

    @Test func aWrongMasterKeyIsRefusedAndTheDirectoryIsUntouched() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, archive) = try await source()
        let other = directory("other")
        _ = try await DataDirectory.initialize(at: other)
        let database = other.appendingPathComponent("memos.sqlite")
        let before = try sha(database)
        let error = await #expect(throws: BackupError.self) {
            try await BackupArchive.restore(archive: archive, dataDirectory: other, environment: [:])
        }
        guard case .wrongKey(let message)? = error else {
            Issue.record("expected a wrong key error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("master key"))
        #expect(try sha(database) == before)
        // A directory without any master key is refused as well.
        let directoryWithoutKey = directory("nokey")
        try FileManager.default.createDirectory(at: directoryWithoutKey, withIntermediateDirectories: true)
        await #expect(throws: BackupError.self) {
            try await BackupArchive.restore(archive: archive, dataDirectory: directoryWithoutKey, environment: [:])
        }
        #expect(!FileManager.default.fileExists(atPath: directoryWithoutKey.appendingPathComponent("memos.sqlite").path))
    }

    @Test func aKEKIDStrippedFromTheManifestIsStillCaughtByUnwrapping() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, archive) = try await source()
        let text = try Data(contentsOf: archive)
        // Rewrite the manifest line without kek_id (same files, same checksums).
        let firstNewline = try #require(text.firstIndex(of: 0x0A))
        let secondNewline = try #require(text[(firstNewline + 1)...].firstIndex(of: 0x0A))
        var manifest = try JSONSerialization.jsonObject(with: text[(firstNewline + 1)..<secondNewline]) as! [String: Any]
        manifest["kek_id"] = nil
        let rewritten = text[...firstNewline] + (try JSONSerialization.data(withJSONObject: manifest)) + text[secondNewline...]
        let stripped = root.appendingPathComponent("stripped.mbak")
        try rewritten.write(to: stripped)

        let other = directory("other")
        _ = try await DataDirectory.initialize(at: other)
        let before = try sha(other.appendingPathComponent("memos.sqlite"))
        let error = await #expect(throws: BackupError.self) {
            try await BackupArchive.restore(archive: stripped, dataDirectory: other, environment: [:])
        }
        if case .wrongKey? = error {} else { Issue.record("expected a wrong key error, got \(String(describing: error))") }
        #expect(try sha(other.appendingPathComponent("memos.sqlite")) == before)
    }

    @Test func aCorruptArchiveIsRefusedAndTheDirectoryIsUntouched() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (data, archive) = try await source()
        let target = try sibling(of: data, named: "target")
        try await BackupArchive.restore(archive: archive, dataDirectory: target, environment: [:])
        let database = target.appendingPathComponent("memos.sqlite")
        let before = try sha(database)

        let bytes = try Data(contentsOf: archive)
        func attempt(_ corrupted: Data, _ name: String) async throws {
            let url = root.appendingPathComponent(name)
            try corrupted.write(to: url)
            let error = await #expect(throws: BackupError.self) {
                try await BackupArchive.restore(archive: url, dataDirectory: target, environment: [:])
            }
            if case .corrupt? = error {} else { Issue.record("\(name): expected a corrupt archive error, got \(String(describing: error))") }
            #expect(try sha(database) == before, "\(name) changed the target")
        }
        var flipped = bytes
        flipped[bytes.count - 4_000] ^= 0x01  // inside the database
        try await attempt(flipped, "flipped.mbak")
        try await attempt(bytes.prefix(bytes.count - 10), "truncated.mbak")
        try await attempt(bytes + Data([0x00]), "extended.mbak")
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        try await attempt(magic, "magic.mbak")
        try await attempt(Data("MEMOS-BACKUP/1\n{\"format\":\"memos-backup/1\"}\n".utf8), "manifest.mbak")
    }

    @Test func aManifestNamingOtherFilesIsRefused() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let manifest = BackupManifest(
            createdAt: "2026-11-23T00:00:00.000Z", source: "/x", kekID: nil, dataKeyKEKIDs: [], migrations: [],
            files: [.init(name: "../master.key", size: 0, sha256: String(repeating: "0", count: 64))])
        let url = root.appendingPathComponent("evil.mbak")
        try (Data(BackupArchive.magic.utf8) + (try JSONEncoder().encode(manifest)) + Data("\n".utf8)).write(to: url)
        let staging = root.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        #expect(throws: BackupError.self) { _ = try BackupArchive.extract(archive: url, into: staging) }
    }

    @Test func createRefusesToOverwriteOrToBackUpNothing() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (data, archive) = try await source()
        #expect(throws: BackupError.self) {
            try BackupArchive.create(dataDirectory: data, archive: archive, masterKey: nil)
        }
        #expect(throws: BackupError.self) {
            try BackupArchive.create(
                dataDirectory: directory("missing"), archive: root.appendingPathComponent("x.mbak"), masterKey: nil)
        }
    }

    @Test func aDatabaseIsNotReportedOpenWhenNobodyHasIt() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (data, _) = try await source()
        #expect(!BackupArchive.isOpenElsewhere(database: data.appendingPathComponent("memos.sqlite")))
    }
}
