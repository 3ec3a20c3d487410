import Crypto
import Foundation
import MemOSStore
import Testing

@testable import MemOSGovernance

/// Sample memory text: about 2,000 characters of English prose.
private let english = """
    The platform team agreed on Tuesday that the staging cluster will move to the new region before \
    the end of the quarter. Maria owns the migration plan and will publish a runbook covering database \
    snapshots, DNS cut-over and the rollback procedure. The previous attempt failed because the replica \
    lag grew beyond thirty seconds during the bulk import, so this time the import is split into hourly \
    batches and throttled when lag exceeds five seconds. Security asked for the service accounts to be \
    rotated as part of the move; the old keys stay valid for one week and are then revoked by the \
    on-call engineer. Budget approval came through for two additional build agents, which should cut \
    the average pipeline time from fourteen minutes to about nine. Kenji pointed out that the load \
    balancer health checks still use the legacy endpoint, which returns success even when the cache is \
    cold; he will switch them to the readiness probe introduced last sprint. Customer support reported \
    three tickets about slow exports on Monday morning, all from the same enterprise tenant, and the \
    traces show the exports waiting on a lock held by the nightly compaction job. The fix is to run \
    compaction per partition instead of holding one global lock, which Priya has prototyped behind a \
    feature flag. Documentation for the public API is out of date in two places: pagination tokens now \
    expire after ten minutes, and the error body includes a request identifier that support can search \
    for. Finally, the team will hold a short retrospective after the migration, focusing on what \
    monitoring was missing during the incident in April, when the queue backlog went unnoticed for \
    almost two hours because the alert threshold had been set for the old traffic pattern. Action items \
    from that review included paging on queue age rather than queue length, adding a dashboard for \
    consumer throughput per partition, and writing down who may silence an alert and for how long.
    """

/// Same topic, different text: it must not look like a leak of `english`.
private let englishSameTopic = """
    Next quarter the staging environment moves to another region, and the migration plan is being \
    written by the platform group. Last time the bulk copy overloaded the replicas, so batches will be \
    smaller and paused whenever replication falls behind. Service account keys get rotated during the \
    move, with a grace period of seven days before revocation. Two more build machines were approved to \
    speed up the pipelines, and the health checks on the load balancer will use the readiness endpoint.
    """

/// Chinese prose (no spaces), about 300 characters.
private let chinese = """
    平台团队在周二达成一致，预发布集群将在本季度结束前迁移到新的区域。玛丽亚负责迁移方案，并将发布一份运维手册，\
    内容包括数据库快照、域名切换以及回滚流程。上一次尝试失败，是因为批量导入期间副本延迟超过了三十秒，所以这次导入\
    被拆分为每小时一批，并在延迟超过五秒时自动限速。安全团队要求在迁移过程中轮换服务账号，旧密钥保留一周后由值班工程师\
    吊销。预算已经批准增加两台构建机器，预计可以把流水线的平均耗时从十四分钟缩短到九分钟左右。健二指出负载均衡器的健康\
    检查仍然使用旧接口，即使缓存尚未预热也会返回成功，他将改为使用上个迭代引入的就绪探针。客服在周一上午收到三张关于导出\
    缓慢的工单，全部来自同一个企业租户，链路追踪显示导出操作在等待夜间压缩任务持有的锁。解决办法是按分区执行压缩，而不是\
    持有一个全局锁，普丽娅已经在功能开关后面完成了原型。
    """

private let key = SymmetricKey(data: Data(repeating: 0x5A, count: 32))
private let otherKey = SymmetricKey(data: Data(repeating: 0xA5, count: 32))

/// Every window of `width` characters of `characters`, sliding by one.
private func windows(_ characters: [Character], width: Int) -> [String] {
    guard characters.count >= width else { return [String(characters)] }
    return (0...(characters.count - width)).map { String(characters[$0..<($0 + width)]) }
}

/// Deterministic generator, so failures reproduce.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct WatermarkTests {
    let codec = WatermarkCodec(key: key)

    @Test func marksRoundTripAndIDsAreFortyBits() {
        for _ in 0..<200 {
            let id = WatermarkCodec.newMarkID()
            #expect(id < 1 << 40)
            let mark = codec.markString(id)
            #expect(mark.unicodeScalars.count == 22)
            #expect(mark.unicodeScalars.allSatisfy(WatermarkCodec.invisibleScalars.contains))
            #expect(codec.decode("before \(mark)after") == [id])
        }
        #expect(WatermarkCodec.invisibleScalars.count == 8)
        #expect(codec.decode(codec.markString(0)) == [0])
        #expect(codec.decode(codec.markString((1 << 40) - 1)) == [(1 << 40) - 1])
    }

    @Test func everyWindowOfEnglishDecodes() {
        #expect(english.count > 1_900)
        assertEveryWindowDecodes(english, id: 0x12_3456_789A)
    }

    @Test func everyWindowOfChineseDecodes() {
        let text = String(repeating: chinese, count: 3)
        assertEveryWindowDecodes(text, id: 0xFE_DCBA_9876)
        // Unspaced text still gets its first mark right away.
        let first = codec.embed(text, markID: 7).unicodeScalars.prefix(40)
        #expect(first.contains { WatermarkCodec.invisibleScalars.contains($0) })
    }

    /// 120-character windows counting the marks' own characters, and 100-character windows
    /// counting only visible ones: each must hold a complete mark.
    private func assertEveryWindowDecodes(_ text: String, id: UInt64) {
        let marked = Array(codec.embed(text, markID: id))
        var failures = 0
        for window in windows(marked, width: 120) where codec.decode(window) != [id] {
            failures += 1
        }
        #expect(failures == 0)
        let visible = marked.indices.filter { !WatermarkCodec.invisibleScalars.contains(marked[$0].unicodeScalars.first!) }
        for start in 0...(visible.count - 100) {
            let excerpt = String(marked[visible[start]...visible[start + 99]])
            if codec.decode(excerpt) != [id] { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func excerptsCuttingThroughMarksStillDecode() {
        let id: UInt64 = 0xAB_CDEF_0123
        let marked = Array(codec.embed(english, markID: id))
        let isMark = { (c: Character) in WatermarkCodec.invisibleScalars.contains(c.unicodeScalars.first!) }
        let markStarts = marked.indices.filter { isMark(marked[$0]) && ($0 == 0 || !isMark(marked[$0 - 1])) }
        #expect(markStarts.count > 20)
        for start in markStarts.dropLast(2) {
            for cut in [1, 11, 21] {
                // Begins mid-mark.
                let head = String(marked[(start + cut)..<(start + cut + 120)])
                #expect(codec.decode(head) == [id])
                // The cut-off part alone is not a mark.
                #expect(codec.decode(String(marked[(start + cut)..<(start + 22)])).isEmpty)
            }
        }
        for start in markStarts.dropFirst(2) {
            // Ends mid-mark.
            let tail = String(marked[(start - 110)..<(start + 10)])
            #expect(codec.decode(tail) == [id])
        }
    }

    @Test func marksFromAnotherKeyAreRejected() {
        let foreign = WatermarkCodec(key: otherKey)
        let marked = foreign.embed(english, markID: 42)
        #expect(foreign.decode(marked) == [42])
        #expect(codec.decode(marked).isEmpty)
    }

    @Test func randomAndDamagedInvisibleRunsAreRejected() {
        var random = SplitMix64(state: 99)
        let digits = Array(WatermarkCodec.invisibleScalars)
        var accepted = 0
        for _ in 0..<20_000 {
            var run = String.UnicodeScalarView()
            for _ in 0..<22 { run.append(digits.randomElement(using: &random)!) }
            accepted += codec.decode("a \(String(run)) b").count
        }
        #expect(accepted == 0)

        let mark = Array(codec.markString(0x11_2233_4455).unicodeScalars)
        // One digit changed anywhere.
        for index in mark.indices {
            for digit in digits where digit != mark[index] {
                var damaged = mark
                damaged[index] = digit
                #expect(codec.decode(scalars(damaged)).isEmpty)
            }
        }
        // Too short, too long, or two marks run together: not exactly one mark.
        #expect(codec.decode(scalars(Array(mark.dropLast()))).isEmpty)
        #expect(codec.decode(scalars(mark + [mark[0]])).isEmpty)
        #expect(codec.decode(scalars([mark[5]] + mark)).isEmpty)
        #expect(codec.decode(scalars(mark + mark)).isEmpty)
    }

    private func scalars(_ list: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: list)
        return String(view)
    }

    @Test func stripUndoesEmbedAndKeepsEveryCharacterWhole() {
        let texts = [
            "", "a", "hi", "héllo", "e\u{301}te\u{301}", "👨‍👩‍👧", "family: 👨‍👩‍👧 and 👩🏽‍💻 and 🇫🇷🇯🇵 flags",
            "line one\r\nline two\r\n", "  leading and trailing  ", "\u{200D}\u{200C}\u{200B}\u{2060} stay",
            "نص عربي مع كلمات متعددة", "नमस्ते दुनिया, यह एक परीक्षण है", "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
            "한국어 문장도 띄어쓰기를 합니다", chinese, english, String(repeating: "👨‍👩‍👧", count: 200),
            String(repeating: "a\u{301}\u{302} ", count: 150),
        ]
        for (offset, text) in texts.enumerated() {
            let id = UInt64(offset) * 1_000_003
            let marked = codec.embed(text, markID: id)
            #expect(WatermarkCodec.strip(marked) == text)
            #expect(codec.decode(marked) == [id], "\(text.prefix(20))")
            // Every original character survives as a whole character of the output.
            let visible = marked.filter { !WatermarkCodec.invisibleScalars.contains($0.unicodeScalars.first!) }
            #expect(Array(visible) == Array(text))
            // Each mark character is a grapheme cluster of its own.
            #expect((marked.count - text.count) % 22 == 0)
        }
    }

    @Test func marksSitAtWordBoundariesAndNeverInsideURLs() {
        let url = "https://docs.example.com/runbooks/staging-migration-2025/section-4?tab=rollback&lang=en"
        let text = "Read the runbook at \(url) before the cut-over. " + english
        let marked = Array(codec.embed(text, markID: 9))
        #expect(WatermarkCodec.strip(String(marked)).contains(url))
        #expect(String(marked).contains(url))
        for index in marked.indices where WatermarkCodec.invisibleScalars.contains(marked[index].unicodeScalars.first!) {
            guard index > 0, !WatermarkCodec.invisibleScalars.contains(marked[index - 1].unicodeScalars.first!) else { continue }
            #expect(marked[index - 1].isWhitespace, "mark after \(String(marked[max(0, index - 10)..<index]))")
        }
        // The first mark follows the first word.
        #expect(String(marked.prefix(5)) == "Read ")
        #expect(WatermarkCodec.invisibleScalars.contains(marked[5].unicodeScalars.first!))
    }

    @Test func shortTextsGetOneMark() {
        for text in ["", "ok", "yes.", "no way"] {
            let marked = codec.embed(text, markID: 77)
            #expect(codec.decode(marked) == [77])
            #expect(marked.unicodeScalars.count == text.unicodeScalars.count + 22)
        }
    }

    @Test func remarkingReplacesOldMarks() {
        let once = codec.embed(english, markID: 1)
        let twice = codec.embed(once, markID: 2)
        #expect(codec.decode(twice) == [2])
        #expect(WatermarkCodec.strip(twice) == english)
        #expect(twice.unicodeScalars.count == once.unicodeScalars.count)
    }

    @Test func severalMarkedMemoriesDecodeInOrder() {
        let response = codec.embed("first memory text here", markID: 300) + "\n" + codec.embed(chinese, markID: 100)
            + "\n" + codec.embed("third one", markID: 300)
        #expect(codec.decode(response) == [300, 100])
    }

    /// Fingerprints: the fallback when the marks were stripped.
    @Suite struct Fingerprints {
        let fingerprinter = TextFingerprinter(key: key)

        @Test func fingerprintsAreSortedUniquePositiveAndKeyed() {
            let hashes = fingerprinter.fingerprint(english)
            #expect(hashes.count > 40)
            #expect(hashes == Array(Set(hashes)).sorted())
            #expect(hashes.allSatisfy { $0 >= 0 })
            let foreign = TextFingerprinter(key: otherKey).fingerprint(english)
            #expect(Set(hashes).isDisjoint(with: foreign))
        }

        @Test func normalisationIgnoresMarksCaseSpacingPunctuationAndWidth() {
            let marked = WatermarkCodec(key: key).embed(english, markID: 5)
            #expect(fingerprinter.fingerprint(marked) == fingerprinter.fingerprint(english))
            let shouted = english.uppercased().replacingOccurrences(of: " ", with: "  \n")
                .replacingOccurrences(of: ",", with: " ;")
            #expect(fingerprinter.fingerprint(shouted) == fingerprinter.fingerprint(english))
            #expect(fingerprinter.fingerprint("ＨＥＬＬＯ，　ｗｏｒｌｄ") == fingerprinter.fingerprint("hello world"))
        }

        @Test func shortTextsHashWhole() {
            #expect(fingerprinter.fingerprint("").isEmpty)
            #expect(fingerprinter.fingerprint("!?…").isEmpty)
            let short = fingerprinter.fingerprint("Call Kenji.")
            #expect(short.count == 1)
            #expect(short == fingerprinter.fingerprint("call   KENJI"))
            #expect(short != fingerprinter.fingerprint("call Maria"))
            #expect(fingerprinter.fingerprint("短文本").count == 1)
        }

        @Test func verbatimExcerptsMatchFully() {
            let memory = Set(fingerprinter.fingerprint(english))
            let characters = Array(english)
            for start in stride(from: 0, through: characters.count - 120, by: 7) {
                let excerpt = fingerprinter.fingerprint(String(characters[start..<(start + 120)]))
                #expect(excerpt.count >= 3)
                #expect(TextFingerprinter.overlap(excerpt: excerpt, memory: memory) == 1)
            }
            let cjk = Set(fingerprinter.fingerprint(chinese))
            let cjkCharacters = Array(chinese)
            for start in stride(from: 0, through: cjkCharacters.count - 100, by: 5) {
                let excerpt = fingerprinter.fingerprint(String(cjkCharacters[start..<(start + 100)]))
                #expect(excerpt.count >= 10)
                #expect(TextFingerprinter.overlap(excerpt: excerpt, memory: cjk) == 1)
            }
        }

        /// A leaker strips the marks, changes case, adds spaces and swaps a word.
        @Test func editedExcerptsStillMatchAndOtherTextsDoNot() {
            let codec = WatermarkCodec(key: key)
            let memory = Set(fingerprinter.fingerprint(codec.embed(english, markID: 11)))
            let characters = Array(WatermarkCodec.strip(codec.embed(english, markID: 11)))
            var scores: [Double] = []
            // Every offset; the word changed is the middle one, the worst place for shingles.
            for start in 0...(characters.count - 120) {
                var words = String(characters[start..<(start + 120)]).split(separator: " ").map(String.init)
                words[words.count / 2] = "banana"
                let edited = words.joined(separator: "   ").uppercased()
                scores.append(TextFingerprinter.overlap(excerpt: fingerprinter.fingerprint(edited), memory: memory))
            }
            // Typically about half the hashes survive; a few short excerpts of long words dip a
            // little under 0.3, still far above unrelated text (below).
            let passing = Double(scores.filter { $0 >= 0.3 }.count) / Double(scores.count)
            #expect(passing >= 0.97, "\(passing)")
            #expect(scores.min() ?? 0 >= 0.2)
            #expect(scores.reduce(0, +) / Double(scores.count) >= 0.5)
            // A specific leak: one sentence, case changed, spacing doubled, one word swapped.
            let leak = "the FIX is to run compaction per   partition instead of holding one global lock, "
                + "which Priya has prototyped behind a feature toggle."
            #expect(TextFingerprinter.overlap(excerpt: fingerprinter.fingerprint(leak), memory: memory) >= 0.3)

            let unrelated = fingerprinter.fingerprint(englishSameTopic)
            #expect(TextFingerprinter.overlap(excerpt: unrelated, memory: memory) < 0.1)
            let otherCharacters = Array(englishSameTopic)
            for start in stride(from: 0, through: otherCharacters.count - 120, by: 20) {
                let excerpt = fingerprinter.fingerprint(String(otherCharacters[start..<(start + 120)]))
                #expect(TextFingerprinter.overlap(excerpt: excerpt, memory: memory) < 0.1)
            }
            // Chinese: one character changed in the middle of a 100-character excerpt.
            let cjk = Set(fingerprinter.fingerprint(chinese))
            let cjkCharacters = Array(chinese)
            for start in stride(from: 0, through: cjkCharacters.count - 100, by: 11) {
                var excerpt = Array(cjkCharacters[start..<(start + 100)])
                excerpt[50] = "蕉"
                let score = TextFingerprinter.overlap(excerpt: fingerprinter.fingerprint(String(excerpt)), memory: cjk)
                #expect(score >= 0.3)
            }
            #expect(TextFingerprinter.overlap(excerpt: fingerprinter.fingerprint(english), memory: cjk) == 0)
        }
    }
}
