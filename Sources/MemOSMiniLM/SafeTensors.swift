import Foundation

/// A parsed safetensors file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's element type, shape and byte range, then the raw little-endian tensor bytes.
///
/// Parsing checks the structure before anything is read: the header lies inside the file, is a
/// JSON object, and every tensor's byte range lies inside the data area and has exactly the size
/// its shape and type imply, so a truncated or forged file is refused rather than misread.
struct SafeTensors {
    struct Tensor {
        let dtype: String
        let shape: [Int]
        /// Byte range inside `SafeTensors.data`.
        let range: Range<Int>
    }

    let data: Data
    let tensors: [String: Tensor]

    /// Upper bound on the JSON header, far above any real one; refuses absurd lengths early.
    static let maxHeaderBytes = 16 * 1024 * 1024

    static let elementSizes = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
        "U16": 2, "U32": 4, "U64": 8,
    ]

    /// Parses `data`; errors name `path`.
    init(data: Data, path: String) throws(MiniLMError) {
        func malformed(_ reason: String) -> MiniLMError { .malformedWeights(path: path, reason: reason) }
        guard data.count >= 8 else { throw malformed("\(data.count) bytes, too short for a header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(Self.maxHeaderBytes), 8 + Int(headerLength) <= data.count else {
            throw malformed("header length \(headerLength) exceeds the file (\(data.count) bytes): truncated or not safetensors")
        }
        let headerEnd = data.startIndex + 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data[(data.startIndex + 8)..<headerEnd])
        } catch {
            throw malformed("the header is not JSON")
        }
        guard let header = json as? [String: Any] else { throw malformed("the header is not a JSON object") }

        let dataStart = headerEnd
        let dataSize = data.endIndex - dataStart
        var tensors: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                shape.count == (entry["shape"] as? [Any])?.count,
                let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                offsets.count == 2
            else {
                throw malformed("tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let elementSize = Self.elementSizes[dtype] else {
                throw malformed("tensor '\(name)' has unknown dtype \(dtype)")
            }
            guard shape.allSatisfy({ $0 >= 0 }), offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw malformed("tensor '\(name)' has a negative shape or reversed offsets")
            }
            guard offsets[1] <= dataSize else {
                throw malformed("tensor '\(name)' ends at byte \(offsets[1]) of a \(dataSize)-byte data area: truncated")
            }
            let (elements, overflow) = shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            let bytes = elements.multipliedReportingOverflow(by: elementSize)
            guard !overflow, !bytes.overflow, bytes.partialValue == offsets[1] - offsets[0] else {
                throw malformed("tensor '\(name)' has \(offsets[1] - offsets[0]) bytes for shape \(shape) of \(dtype)")
            }
            tensors[name] = Tensor(dtype: dtype, shape: shape, range: (dataStart + offsets[0])..<(dataStart + offsets[1]))
        }
        self.data = data
        self.tensors = tensors
    }

    /// The F32 tensor `name` with exactly `shape`, as floats.
    func floats(_ name: String, shape: [Int], path: String) throws(MiniLMError) -> [Float] {
        guard let tensor = tensors[name] else { throw .missingTensor(path: path, name: name) }
        guard tensor.dtype == "F32", tensor.shape == shape else {
            throw .wrongTensor(
                path: path, name: name, expected: "F32 \(shape)", found: "\(tensor.dtype) \(tensor.shape)")
        }
        let count = shape.reduce(1, *)
        var floats = [Float](repeating: 0, count: count)
        floats.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[(tensor.range.lowerBound - data.startIndex)...].prefix(count * 4)))
            }
        }
        #if _endian(big)
        for index in floats.indices { floats[index] = Float(bitPattern: floats[index].bitPattern.byteSwapped) }
        #endif
        return floats
    }
}
