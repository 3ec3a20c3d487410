import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension FileHandle {
    /// Everything up to end of file. Foundation's `readDataToEndOfFile()` traps (a `try!`) when
    /// read(2) is interrupted by a signal, which happens while tests spawn child processes in
    /// parallel; this retries on EINTR instead.
    func readAllRetryingInterrupts() -> Data {
        var data = Data()
        while true {
            let chunk = readChunkRetryingInterrupts()
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }

    /// What one read(2) returns (empty at end of file or on an error other than EINTR).
    func readChunkRetryingInterrupts(maximum: Int = 65_536) -> Data {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, maximum) }
            if count >= 0 { return Data(buffer.prefix(count)) }
            if errno != EINTR { return Data() }
        }
    }
}
