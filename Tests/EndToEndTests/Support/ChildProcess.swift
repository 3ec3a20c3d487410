import Foundation
import Glibc
import Synchronization

/// A child process started with posix_spawn, for tests that run the shipped binaries.
///
/// Foundation's `Process` is not used: on Linux its `run()` lists `/proc/self/fd` with a dirent
/// over-read (swift-corelibs-foundation#5472) and crashes the test process now and then, more
/// often the more descriptors are open, and this suite keeps hundreds open (every in-process
/// gateway's SQLite connections and sockets). Its pipes' `readDataToEndOfFile()` also traps on
/// EINTR. Here every pipe is created close-on-exec, the child gets exactly stdin/stdout/stderr,
/// and reads retry on EINTR.
final class ChildProcess: Sendable {
    /// Where one of the child's standard streams goes.
    enum Stream: Sendable {
        /// A pipe whose other end the test holds.
        case pipe
        /// `/dev/null`.
        case null
    }

    struct SpawnError: Error, CustomStringConvertible {
        let step: String
        let code: Int32
        var description: String { "\(step) failed: \(String(cString: strerror(code)))" }
    }

    private static let spawnLock = NSLock()

    let pid: pid_t
    /// The test's end of the child's stdin (write), stdout and stderr (read); nil unless `.pipe`.
    private let inputFD: Mutex<Int32?>
    let outputFD: Int32?
    let errorFD: Int32?
    /// The exit status once the child has been reaped (waitpid may reap only once).
    private let reaped = Mutex<Int32?>(nil)

    init(
        executable: URL, arguments: [String], environment: [String: String], directory: URL? = nil,
        stdin: Stream = .null, stdout: Stream = .pipe, stderr: Stream = .pipe
    ) throws {
        // Pipes are made close-on-exec in two steps (the Glibc module lacks pipe2), so a spawn on
        // another thread in between could inherit them and hold a pipe open; spawning one at a
        // time closes that window.
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32?] = []
        var childEnds: [Int32] = []
        defer { childEnds.forEach { close($0) } }
        do {
            for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
                switch stream {
                case .null:
                    posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
                    parentEnds.append(nil)
                case .pipe:
                    var ends: [Int32] = [-1, -1]
                    guard pipe(&ends) == 0 else { throw SpawnError(step: "pipe", code: errno) }
                    ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
                    let (childEnd, parentEnd) = target == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                    childEnds.append(childEnd)
                    parentEnds.append(parentEnd)
                    posix_spawn_file_actions_adddup2(&actions, childEnd, target)
                }
            }
            _ = GlibcExtensions.closeFrom?(&actions, 3)
            if let directory {
                guard let chdir = GlibcExtensions.changeDirectory else {
                    throw SpawnError(step: "posix_spawn_file_actions_addchdir_np", code: ENOSYS)
                }
                _ = chdir(&actions, directory.path)
            }

            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var emptyMask = sigset_t()
            sigemptyset(&emptyMask)
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigmask(&attributes, &emptyMask)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

            let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
            let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { (argv + envp).forEach { free($0) } }
            var child: pid_t = 0
            let status = posix_spawn(&child, executable.path, &actions, &attributes, argv, envp)
            guard status == 0 else { throw SpawnError(step: "posix_spawn \(executable.lastPathComponent)", code: status) }
            pid = child
        } catch {
            parentEnds.compactMap { $0 }.forEach { close($0) }
            throw error
        }
        inputFD = Mutex(parentEnds[0])
        outputFD = parentEnds[1]
        errorFD = parentEnds[2]
    }

    deinit {
        inputFD.withLock { $0.map { _ = close($0) } }
        [outputFD, errorFD].compactMap { $0 }.forEach { close($0) }
    }

    /// The environment a child inherits from the test process, minus `MEMOS_*` settings (each
    /// test names its own), with `extra` on top.
    static func inheritedEnvironment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MEMOS_") }.merging(extra) { $1 }
    }

    /// Writes all of `data` to the child's stdin (blocking while the pipe is full).
    func write(_ data: Data) {
        inputFD.withLock { fd in
            guard let fd else { return }
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written > 0 {
                        offset += written
                    } else if errno != EINTR {
                        return
                    }
                }
            }
        }
    }

    /// Closes the child's stdin so that it reads end of file.
    func closeInput() {
        inputFD.withLock { fd in
            if let open = fd { close(open) }
            fd = nil
        }
    }

    /// Everything the child writes to stdout until it closes it.
    func readAllOutput() -> Data { outputFD.map(Self.readAll) ?? Data() }

    /// Everything the child writes to stderr until it closes it.
    func readAllErrors() -> Data { errorFD.map(Self.readAll) ?? Data() }

    /// What one read(2) of stdout returns: empty at end of file.
    func readOutputChunk() -> Data { outputFD.map { Self.readChunk($0) } ?? Data() }

    /// Sends SIGTERM, the signal a service manager stops a service with.
    func terminate() { kill(pid, SIGTERM) }

    /// Whether the child has not exited yet (reaps it if it has).
    var isRunning: Bool {
        reaped.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
            status = Self.exitStatus(raw)
            return false
        }
    }

    /// Blocks until the child exits: its exit code, or 128 + the signal that ended it.
    func waitForExit() -> Int32 {
        if let status = reaped.withLock({ $0 }) { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 {
            if errno != EINTR { return reaped.withLock { $0 } ?? -1 }
        }
        let status = Self.exitStatus(raw)
        reaped.withLock { $0 = status }
        return status
    }

    /// `waitForExit()` on a dispatch thread, leaving the cooperative pool to the in-process
    /// gateway the child may be talking to.
    func exit() async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.waitForExit()) }
        }
    }

    private static func exitStatus(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        while true {
            let chunk = readChunk(fd)
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }

    static func readChunk(_ fd: Int32, maximum: Int = 65_536) -> Data {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, maximum) }
            if count >= 0 { return Data(buffer.prefix(count)) }
            if errno != EINTR { return Data() }
        }
    }
}

extension ChildProcess {
    /// Runs `executable` to completion off the cooperative pool, feeding `input` on stdin, and
    /// collects both output streams (stderr on its own thread so neither pipe can fill up).
    static func run(
        _ executable: URL, arguments: [String], environment: [String: String], directory: URL? = nil,
        input: Data? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment, directory: directory,
            stdin: input == nil ? .null : .pipe)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: child.collect(input: input))
            }
        }
    }

    /// Starts draining stderr on its own thread (so the child never blocks on a full pipe);
    /// the returned function waits for end of file and gives what was read.
    func readErrorsInBackground() -> @Sendable () -> Data {
        let errors = Mutex(Data())
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            let data = self.readAllErrors()
            errors.withLock { $0 = data }
            done.leave()
        }
        return {
            done.wait()
            return errors.withLock { $0 }
        }
    }

    private func collect(input: Data?) -> (status: Int32, stdout: String, stderr: String) {
        let errors = readErrorsInBackground()
        let group = DispatchGroup()
        if let input {
            group.enter()
            DispatchQueue.global().async {
                self.write(input)
                self.closeInput()
                group.leave()
            }
        }
        let output = readAllOutput()
        group.wait()
        let status = waitForExit()
        return (
            status, String(decoding: output, as: UTF8.self), String(decoding: errors(), as: UTF8.self)
        )
    }
}

/// glibc's `_np` spawn actions, which Swift's Glibc module hides (they need `_GNU_SOURCE`);
/// looked up at run time.
private enum GlibcExtensions {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias AddChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let closeFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    static let changeDirectory: AddChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: T.self) }
    }
}
