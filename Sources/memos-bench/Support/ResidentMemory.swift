#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The process's resident set size, for estimating what each indexed memory costs in RAM.
///
/// RSS is what the operating system actually charges the gateway for, including allocator
/// overhead and fragmentation that counting object sizes would miss. It is only an estimate
/// per memory: measure it as a difference around one allocation-heavy step, after asking the
/// allocator to hand back what it no longer uses.
enum ResidentMemory {
    /// Resident bytes now (the second field of /proc/self/statm, in pages), or nil where the
    /// system does not expose it.
    static func currentBytes() -> Int? {
        #if os(Linux)
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pageSize > 0 else { return nil }
        return pages * pageSize
        #else
        return nil
        #endif
    }

    /// Returns freed heap pages to the system (glibc keeps them otherwise), so that transient
    /// buffers of the step being measured — database rows, decrypted payloads — and garbage
    /// from earlier steps do not count as memory the index keeps.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        // malloc.h is not part of Swift's Glibc module, so look the function up at run time;
        // RTLD_DEFAULT is the null handle on glibc. Other C libraries simply skip the trim.
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        typealias MallocTrim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
