import ArgumentParser
import Foundation
import MemOSGovernance

/// `memos-admin backup ...`: snapshots of a data directory, and restoring them.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up and restore a data directory (offline, on the gateway's host).",
        discussion: """
            An archive holds a consistent snapshot of DIR/memos.sqlite (memories still encrypted, \
            data keys still wrapped) and a manifest (created_at, sha256, kek_id of the master key, \
            schema migrations). The master key is never in it: keep master.key (or \
            MEMOS_MASTER_KEY) separately; restore refuses a directory whose key does not fit. \
            Erased subjects stay unreadable in older backups: their keys were destroyed.
            """,
        subcommands: [Create.self, Restore.self, Verify.self])

    static func dataDirectory(_ option: String?) throws -> URL {
        guard let path = option ?? ProcessInfo.processInfo.environment["MEMOS_DATA_DIR"], !path.isEmpty else {
            throw ValidationError("missing --data-dir (or MEMOS_DATA_DIR)")
        }
        return URL(fileURLWithPath: path)
    }

    static func manifestJSON(_ manifest: BackupManifest, archive: String) throws -> [String: Any] {
        let encoder = JSONEncoder()
        let data = try encoder.encode(manifest)
        var object = (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        object["archive"] = archive
        return object
    }

    static func describe(_ error: BackupError) -> any Error {
        CLIFailure(error.description)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a consistent, still-encrypted snapshot of a data directory to one file.",
            discussion: """
                Safe while the gateway runs (SQLite VACUUM INTO: one consistent transaction). The \
                archive is written with mode 0600 and never overwrites an existing file.

                Example:
                  memos-admin backup create --data-dir /var/lib/memos \\
                    --out /backups/memos-$(date +%F).mbak
                """)

        @OptionGroup var options: OfflineOptions
        @Option(name: .customLong("data-dir"), help: "The data directory (env MEMOS_DATA_DIR).")
        var dataDirectory: String?
        @Option(help: "Archive file to create.")
        var out: String

        func validate() throws {
            _ = try BackupCommand.dataDirectory(dataDirectory)
        }

        func run() async throws {
            let directory = try BackupCommand.dataDirectory(dataDirectory)
            try await reportingFailures {
                let masterKey = try? DataDirectory(url: directory).loadMasterKey()
                let manifest: BackupManifest
                do {
                    manifest = try BackupArchive.create(
                        dataDirectory: directory, archive: URL(fileURLWithPath: out), masterKey: masterKey)
                } catch let error as BackupError {
                    throw BackupCommand.describe(error)
                }
                if masterKey == nil {
                    options.output.note(
                        "warning: no master key for \(directory.path); the manifest names the data keys' kek_id instead")
                } else if let kekID = manifest.kekID, !manifest.dataKeyKEKIDs.allSatisfy({ $0 == kekID }) {
                    options.output.note(
                        "warning: some data keys are wrapped by another master key (\(manifest.dataKeyKEKIDs.joined(separator: ", ")))")
                }
                if options.json {
                    try printJSON(try BackupCommand.manifestJSON(manifest, archive: out))
                } else {
                    let size = manifest.files.first?.size ?? 0
                    options.output.say(
                        "backup written to \(out): database \(size) bytes, sha256 \(manifest.files.first?.sha256 ?? "?"), "
                            + "needs master key \(manifest.kekID ?? "?")")
                }
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a data directory's database with a backup, after checking it.",
            discussion: """
                Stop the gateway first (restore refuses while another process has the database \
                open). Before anything is replaced, the archive's checksums, SQLite's integrity \
                check and the directory's master key (DIR/master.key or MEMOS_MASTER_KEY; it must \
                unwrap every data key of the backup) are checked; any failure leaves DIR untouched \
                and exits 1. Needs --yes, or typing the directory path at a terminal.

                Examples:
                  memos-admin backup restore /backups/memos-2026-11-23.mbak \\
                    --data-dir /var/lib/memos --yes
                  MEMOS_MASTER_KEY=... memos-admin backup restore memos.mbak \\
                    --data-dir ./fresh --yes
                """)

        @OptionGroup var options: OfflineOptions
        @Argument(help: "The archive made by `backup create`.")
        var file: String
        @Option(name: .customLong("data-dir"), help: "The data directory to restore into (env MEMOS_DATA_DIR).")
        var dataDirectory: String?
        @Flag(help: "Confirm: replace the directory's database.")
        var yes = false

        func validate() throws {
            _ = try BackupCommand.dataDirectory(dataDirectory)
            try Confirmation.check(yes: yes, action: "backup restore")
        }

        func run() async throws {
            let directory = try BackupCommand.dataDirectory(dataDirectory)
            try Confirmation.confirm(
                yes: yes, action: "Replacing the database of \(directory.path) with \(file)", expected: directory.path)
            try await reportingFailures {
                let manifest: BackupManifest
                do {
                    manifest = try await BackupArchive.restore(archive: URL(fileURLWithPath: file), dataDirectory: directory)
                } catch let error as BackupError {
                    throw CLIFailure("\(error); \(directory.path) was not changed")
                }
                if options.json {
                    var object = try BackupCommand.manifestJSON(manifest, archive: file)
                    object["restored_to"] = directory.path
                    try printJSON(object)
                } else {
                    options.output.say("restored \(file) (taken \(manifest.createdAt)) into \(directory.path)")
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a backup archive without restoring it: checksums, integrity, and optionally the master key.",
            discussion: """
                With --data-dir (or MEMOS_MASTER_KEY), also checks that that master key unwraps \
                every data key of the backup. Exit 0 when the archive is intact, 65 when not.

                Example:
                  memos-admin backup verify /backups/memos-2026-11-23.mbak \\
                    --data-dir /var/lib/memos
                """)

        @OptionGroup var options: OfflineOptions
        @Argument(help: "The archive made by `backup create`.")
        var file: String
        @Option(name: .customLong("data-dir"), help: "Also check that this directory's master key fits the backup.")
        var dataDirectory: String?

        func run() async throws {
            try await reportingFailures {
                let fileManager = FileManager.default
                let work = fileManager.temporaryDirectory.appendingPathComponent("memos-verify-\(UUID().uuidString)")
                try fileManager.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                defer { try? fileManager.removeItem(at: work) }
                let manifest: BackupManifest
                var keyChecked = false
                do {
                    manifest = try BackupArchive.extract(archive: URL(fileURLWithPath: file), into: work)
                    let environment = ProcessInfo.processInfo.environment
                    let key: MasterKey? =
                        if let dataDirectory {
                            try DataDirectory(url: URL(fileURLWithPath: dataDirectory)).loadMasterKey(environment: environment)
                        } else if let value = environment[MasterKey.environmentVariable] {
                            try MasterKey.fromEnvironment(value)
                        } else {
                            nil
                        }
                    try await BackupArchive.check(database: work.appendingPathComponent(BackupArchive.databaseName), masterKey: key)
                    keyChecked = key != nil
                } catch let error as BackupError {
                    if case .failed = error { throw CLIFailure(error.description) }
                    throw VerificationFailure("\(file): \(error)")
                }
                if options.json {
                    var object = try BackupCommand.manifestJSON(manifest, archive: file)
                    object["valid"] = true
                    object["master_key_checked"] = keyChecked
                    try printJSON(object)
                } else {
                    options.output.say(
                        "OK \(file): taken \(manifest.createdAt) from \(manifest.source), \(manifest.files.count) files, "
                            + "needs master key \(manifest.kekID ?? "?")"
                            + (keyChecked ? " (checked: the given master key unwraps every data key)" : ""))
                }
            }
        }
    }
}
