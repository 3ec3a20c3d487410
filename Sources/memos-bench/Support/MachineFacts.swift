import Foundation

/// What a benchmark result depends on besides the code: printed with every result, because a
/// number without its machine and build cannot be compared with anything.
struct MachineFacts: Sendable, Encodable {
    let activeProcessorCount: Int
    let physicalMemoryBytes: UInt64
    let cpuModel: String?
    let operatingSystem: String
    let buildConfiguration: String
    /// Filesystem type under the data directory: fsync on tmpfs is free, on disk it is not.
    let dataFilesystem: String?

    /// Whether the numbers mean anything: debug builds run several times slower than release.
    var isOptimizedBuild: Bool { buildConfiguration == "release" }

    static func current(dataDirectory: URL) -> MachineFacts {
        let info = ProcessInfo.processInfo
        return MachineFacts(
            activeProcessorCount: info.activeProcessorCount,
            physicalMemoryBytes: info.physicalMemory,
            cpuModel: cpuModel(),
            operatingSystem: info.operatingSystemVersionString,
            buildConfiguration: buildConfiguration,
            dataFilesystem: filesystem(of: dataDirectory))
    }

    static var buildConfiguration: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    /// The "model name" line of /proc/cpuinfo, where there is one.
    private static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The type of the filesystem holding `url`: the longest matching mount point in /proc/mounts.
    private static func filesystem(of url: URL) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        let path = url.resolvingSymlinksInPath().path
        var best: (mountPoint: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2 else { continue }
            let mountPoint = String(fields[1])
            let prefix = mountPoint.hasSuffix("/") ? mountPoint : mountPoint + "/"
            guard path == mountPoint || path.hasPrefix(prefix) else { continue }
            if mountPoint.count >= (best?.mountPoint.count ?? -1) {
                best = (mountPoint, String(fields[2]))
            }
        }
        return best.map { "\($0.type) (\($0.mountPoint))" }
    }
}
