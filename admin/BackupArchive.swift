import Crypto
import Foundation
import GRDB
import MemOSGovernance
import MemOSStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a backup archive holds, written as its second line.
struct BackupManifest: Codable, Sendable, Equatable {
    struct Entry: Codable, Sendable, Equatable {
        let name: String
        let size: Int64
        let sha256: String
    }

    var format = BackupArchive.formatName
    let createdAt: String
    /// The data directory the snapshot was taken from.
    let source: String
    /// Id of the master key the data keys are wrapped under (`Keyring.kekID`); restore needs it.
    let kekID: String?
    /// The `kek_id`s found on the snapshot's data keys (one, unless a rotation was interrupted).
    let dataKeyKEKIDs: [String]
    /// Schema migrations applied to the snapshot, oldest first.
    let migrations: [String]
    let files: [Entry]

    enum CodingKeys: String, CodingKey {
        case format, createdAt = "created_at", source, kekID = "kek_id", dataKeyKEKIDs = "data_key_kek_ids",
            migrations, files
    }
}

/// Why a backup or restore was refused. Nothing in the data directory has changed.
enum BackupError: Error, Equatable, CustomStringConvertible {
    /// The archive is not one, is truncated, or a checksum does not match.
    case corrupt(String)
    /// The data directory's master key cannot unwrap the snapshot's data keys.
    case wrongKey(String)
    /// The database failed SQLite's integrity check.
    case integrity(String)
    /// The database is open in another process (a running gateway).
    case inUse(String)
    /// Anything else: missing files, permissions, no master key.
    case failed(String)

    var description: String {
        switch self {
        case .corrupt(let message): "corrupt backup archive: \(message)"
        case .wrongKey(let message): "wrong master key: \(message)"
        case .integrity(let message): "database integrity check failed: \(message)"
        case .inUse(let message): message
        case .failed(let message): message
        }
    }
}

/// A consistent, still-encrypted snapshot of a data directory in one file.
///
/// Layout: the line `MEMOS-BACKUP/1`, the manifest as one line of JSON, then the bytes of each
/// file the manifest lists, in order, with nothing after them. The database is a `VACUUM INTO`
/// snapshot (consistent while a gateway writes; free pages, and so erased data, left behind);
/// its memories stay sealed under their data keys, which stay wrapped by the master key. The
/// master key itself is never in the archive: restore needs the data directory's key.
enum BackupArchive {
    static let magic = "MEMOS-BACKUP/1\n"
    static let formatName = "memos-backup/1"
    static let databaseName = "memos.sqlite"
    /// Files besides the database that are copied when present (non-secret configuration).
    static let optionalFiles = ["models.yaml"]
    private static let chunk = 1 << 20

    // MARK: Create

    /// Snapshots `dataDirectory` into a new archive at `archive` (mode 0600). `masterKey`, when
    /// known, names the key restore will need.
    @discardableResult
    static func create(dataDirectory: URL, archive: URL, masterKey: MasterKey?, now: Date = Date()) throws -> BackupManifest {
        let fileManager = FileManager.default
        let database = dataDirectory.appendingPathComponent(databaseName)
        guard fileManager.fileExists(atPath: database.path) else {
            throw BackupError.failed("\(database.path) does not exist: is \(dataDirectory.path) a data directory?")
        }
        guard !fileManager.fileExists(atPath: archive.path) else {
            throw BackupError.failed("\(archive.path) already exists; choose another --out")
        }
        let work = archive.deletingLastPathComponent().appendingPathComponent(".memos-backup-\(UUID().uuidString)")
        try fileManager.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fileManager.removeItem(at: work) }

        let snapshot = work.appendingPathComponent(databaseName)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(30)
            let queue = try DatabaseQueue(path: database.path, configuration: configuration)
            try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [snapshot.path]) }
            try queue.close()
        } catch {
            throw BackupError.failed("cannot snapshot \(database.path): \(error)")
        }
        let (migrations, kekIDs) = try describe(database: snapshot)

        var sources: [(name: String, url: URL)] = [(databaseName, snapshot)]
        for name in optionalFiles where fileManager.fileExists(atPath: dataDirectory.appendingPathComponent(name).path) {
            sources.append((name, dataDirectory.appendingPathComponent(name)))
        }
        var entries: [BackupManifest.Entry] = []
        for source in sources {
            let (size, digest) = try hash(file: source.url)
            entries.append(BackupManifest.Entry(name: source.name, size: size, sha256: digest))
        }
        let manifest = BackupManifest(
            createdAt: Arguments.format(now), source: dataDirectory.standardizedFileURL.path,
            kekID: masterKey.map(Keyring.kekID) ?? (kekIDs.count == 1 ? kekIDs[0] : nil), dataKeyKEKIDs: kekIDs,
            migrations: migrations, files: entries)

        let partial = work.appendingPathComponent("archive.partial")
        guard fileManager.createFile(atPath: partial.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = FileHandle(forWritingAtPath: partial.path)
        else { throw BackupError.failed("cannot write \(archive.path)") }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try output.write(contentsOf: Data(magic.utf8) + (try encoder.encode(manifest)) + Data("\n".utf8))
            for source in sources {
                let input = try FileHandle(forReadingFrom: source.url)
                defer { try? input.close() }
                while let data = try input.read(upToCount: chunk), !data.isEmpty {
                    try output.write(contentsOf: data)
                }
            }
            try output.synchronize()
            try output.close()
            try fileManager.moveItem(at: partial, to: archive)
        } catch {
            try? output.close()
            throw BackupError.failed("cannot write \(archive.path): \(error)")
        }
        return manifest
    }

    /// Migrations applied and the `kek_id`s of the data keys of a database file.
    static func describe(database: URL) throws -> (migrations: [String], kekIDs: [String]) {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: database.path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let migrations =
                    try db.tableExists("grdb_migrations")
                    ? String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") : []
                let kekIDs =
                    try db.tableExists("data_keys")
                    ? String.fetchAll(db, sql: "SELECT DISTINCT kek_id FROM data_keys ORDER BY kek_id") : []
                return (migrations, kekIDs)
            }
        } catch {
            throw BackupError.corrupt("the database cannot be read: \(error)")
        }
    }

    static func hash(file: URL) throws -> (Int64, String) {
        let input = try FileHandle(forReadingFrom: file)
        defer { try? input.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let data = try input.read(upToCount: chunk), !data.isEmpty {
            hasher.update(data: data)
            size += Int64(data.count)
        }
        return (size, hex(hasher.finalize()))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Read

    /// Reads the archive's manifest and extracts its files into `directory`, checking each
    /// checksum and that nothing is missing or extra. Throws `.corrupt` otherwise.
    static func extract(archive: URL, into directory: URL) throws -> BackupManifest {
        let input: FileHandle
        do {
            input = try FileHandle(forReadingFrom: archive)
        } catch {
            throw BackupError.failed("cannot read \(archive.path): \(error.localizedDescription)")
        }
        defer { try? input.close() }
        let manifest = try readManifest(input)
        for entry in manifest.files {
            let target = directory.appendingPathComponent(entry.name)
            guard FileManager.default.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600]),
                let output = FileHandle(forWritingAtPath: target.path)
            else { throw BackupError.failed("cannot write \(target.path)") }
            defer { try? output.close() }
            var hasher = SHA256()
            var remaining = entry.size
            while remaining > 0 {
                guard let data = try input.read(upToCount: Int(min(Int64(chunk), remaining))), !data.isEmpty else {
                    throw BackupError.corrupt("\(entry.name) is truncated (\(remaining) of \(entry.size) bytes missing)")
                }
                hasher.update(data: data)
                try output.write(contentsOf: data)
                remaining -= Int64(data.count)
            }
            let digest = hex(hasher.finalize())
            guard digest == entry.sha256 else {
                throw BackupError.corrupt("\(entry.name) does not match its sha256 (\(digest), manifest says \(entry.sha256))")
            }
        }
        if let extra = try input.read(upToCount: 1), !extra.isEmpty {
            throw BackupError.corrupt("unexpected bytes after the last file")
        }
        return manifest
    }

    static func readManifest(_ input: FileHandle) throws -> BackupManifest {
        let expected = Data(magic.utf8)
        guard let head = try input.read(upToCount: expected.count), head == expected else {
            throw BackupError.corrupt("not a memos-admin backup archive (no MEMOS-BACKUP/1 header)")
        }
        var line = Data()
        while true {
            guard let byte = try input.read(upToCount: 1), let first = byte.first else {
                throw BackupError.corrupt("the manifest is truncated")
            }
            if first == 0x0A { break }
            line.append(first)
            guard line.count <= 1 << 20 else { throw BackupError.corrupt("the manifest is too long") }
        }
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: line)
        } catch {
            throw BackupError.corrupt("the manifest is not valid: \(error)")
        }
        guard manifest.format == formatName else {
            throw BackupError.corrupt("unsupported format '\(manifest.format)'")
        }
        let allowed = Set([databaseName] + optionalFiles)
        guard manifest.files.first?.name == databaseName,
            manifest.files.allSatisfy({ allowed.contains($0.name) && $0.size >= 0 && $0.sha256.count == 64 }),
            Set(manifest.files.map(\.name)).count == manifest.files.count
        else { throw BackupError.corrupt("the manifest lists unexpected files") }
        return manifest
    }

    // MARK: Check

    /// Checks a database file (a throwaway copy: it is migrated and opened read-write): SQLite's
    /// integrity check, then, given a master key, every data key unwrapped under it.
    static func check(database: URL, masterKey: MasterKey?) async throws {
        do {
            let queue = try DatabaseQueue(path: database.path)
            let result = try queue.inDatabase { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            try queue.close()
            guard result == ["ok"] else {
                throw BackupError.integrity(result.prefix(5).joined(separator: "; "))
            }
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.integrity("\(error)")
        }
        guard let masterKey else { return }
        let expected = Keyring.kekID(masterKey)
        let store: SQLiteStore
        let records: [DataKeyRecord]
        do {
            store = try SQLiteStore(path: database.path)
            records = try await store.allDataKeys()
        } catch {
            throw BackupError.corrupt("the database cannot be opened: \(error)")
        }
        guard !records.isEmpty else { throw BackupError.corrupt("the database holds no data keys") }
        if let other = records.first(where: { $0.kekID != expected }) {
            throw BackupError.wrongKey(
                "the backup's data keys are wrapped by master key \(other.kekID); this data directory's master key is \(expected)")
        }
        let keyring = Keyring(store: store, masterKey: masterKey)
        do {
            for record in records {
                if let tenantID = record.tenantID {
                    guard try await keyring.key(id: record.id, tenantID: tenantID) != nil else {
                        throw BackupError.corrupt("data key \(record.id) cannot be read")
                    }
                } else {
                    _ = try await keyring.systemKey(record.scope)
                }
            }
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.wrongKey("a data key does not unwrap under this master key: \(error)")
        }
    }

    /// Whether another process has the SQLite database open in WAL mode: every connection
    /// holds a shared lock on the "DMS" byte (128) of the `-shm` file while it is open.
    static func isOpenElsewhere(database: URL) -> Bool {
        let shm = database.path + "-shm"
        let fd = open(shm, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 128
        lock.l_len = 1
        guard fcntl(fd, F_GETLK, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }

    // MARK: Restore

    /// Restores `archive` into `dataDirectory`: checks the archive, the database's integrity and
    /// that the directory's master key (`master.key` or `MEMOS_MASTER_KEY`) unwraps every data
    /// key, and only then replaces `memos.sqlite` (its `-wal`/`-shm` removed first). On any
    /// refusal the directory is left as it was.
    @discardableResult
    static func restore(
        archive: URL, dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> BackupManifest {
        let fileManager = FileManager.default
        let directory = DataDirectory(url: dataDirectory)
        let masterKey: MasterKey
        do {
            masterKey = try directory.loadMasterKey(environment: environment)
        } catch {
            throw BackupError.failed(
                "no usable master key for \(dataDirectory.path) (master.key or MEMOS_MASTER_KEY): \(error)")
        }
        let database = directory.databaseURL
        if isOpenElsewhere(database: database) {
            throw BackupError.inUse("\(database.path) is open in another process (a running gateway?): stop it first")
        }
        try fileManager.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let staging = dataDirectory.appendingPathComponent(".memos-restore-\(UUID().uuidString)")
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? fileManager.removeItem(at: staging) }

        let manifest = try extract(archive: archive, into: staging)
        if let kekID = manifest.kekID, kekID != Keyring.kekID(masterKey) {
            throw BackupError.wrongKey(
                "the backup needs master key \(kekID); the master key of \(dataDirectory.path) is \(Keyring.kekID(masterKey))")
        }
        let checkDirectory = staging.appendingPathComponent("check")
        try fileManager.createDirectory(at: checkDirectory, withIntermediateDirectories: false)
        let checkCopy = checkDirectory.appendingPathComponent(databaseName)
        try fileManager.copyItem(at: staging.appendingPathComponent(databaseName), to: checkCopy)
        try await check(database: checkCopy, masterKey: masterKey)

        if isOpenElsewhere(database: database) {
            throw BackupError.inUse("\(database.path) is open in another process (a running gateway?): stop it first")
        }
        for suffix in ["-wal", "-shm", "-journal"] where fileManager.fileExists(atPath: database.path + suffix) {
            try fileManager.removeItem(atPath: database.path + suffix)
        }
        if rename(staging.appendingPathComponent(databaseName).path, database.path) != 0 {
            throw BackupError.failed("cannot replace \(database.path): \(String(cString: strerror(errno)))")
        }
        for entry in manifest.files where entry.name != databaseName {
            let target = dataDirectory.appendingPathComponent(entry.name)
            _ = rename(staging.appendingPathComponent(entry.name).path, target.path)
        }
        return manifest
    }
}
