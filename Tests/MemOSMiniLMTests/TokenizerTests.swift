import Foundation
import MemOSMiniLM
import Testing

/// Token ids must equal those of the reference tokenizer (Hugging Face `tokenizers` with the
/// model's tokenizer.json) exactly: one different id is a different input to the encoder.
@Suite("MiniLM tokenizer")
struct TokenizerTests {
    @Test("The fixture holds the seven reference cases")
    func fixture() throws {
        let cases = try ReferenceCase.all()
        #expect(cases.count == ReferenceCase.count)
        #expect(cases.allSatisfy { $0.tokenIDs.count == $0.tokenCount && $0.embedding.count == MiniLM.dimensions })
    }

    @Test("Token ids equal the reference's", arguments: 0..<ReferenceCase.count)
    func referenceIDs(index: Int) throws {
        let model = try TestModel.model()
        let reference = try ReferenceCase.all()[index]
        #expect(model.tokenize(reference.text) == reference.tokenIDs, "text: \(reference.text.prefix(60))")
    }

    /// Expected ids produced by `tokenizers` 0.22 (`Tokenizer.from_file(tokenizer.json)`, no
    /// truncation), covering each rule of the normaliser and pre-tokenizer.
    static let handCases: [(String, [Int32])] = [
        // Accents stripped after canonical decomposition; Ø has no decomposition and stays.
        (
            "Crème brûlée à São Paulo, Ångström & Øresund",
            [101, 13675, 21382, 7987, 9307, 2063, 1037, 7509, 9094, 1010, 17076, 15687, 1004, 1100, 6072, 8630, 102]
        ),
        // Each CJK ideograph is its own word; ideographs outside the vocabulary are [UNK].
        ("我爱北京天安门 ok", [101, 1855, 100, 1781, 1755, 1811, 1820, 100, 7929, 102]),
        // ASCII symbols count as punctuation and split words.
        (
            "e-mail: a.b@c.com, $5+3=8! (ok) ~`^|<>_{}",
            [101, 1041, 1011, 5653, 1024, 1037, 1012, 1038, 1030, 1039, 1012, 4012, 1010, 1002, 1019, 1009, 1017, 1027,
             1022, 999, 1006, 7929, 1007, 1066, 1036, 1034, 1064, 1026, 1028, 1035, 1063, 1065, 102]
        ),
        // NUL and zero-width space (a format character) vanish; tab, CR, LF, NBSP separate words.
        (
            "tab\there\u{0}zero\u{200B}width\r\nnew  line\u{A0}nbsp",
            [101, 21628, 2182, 6290, 5004, 3593, 2705, 2047, 2240, 1050, 5910, 2361, 102]
        ),
        // Special tokens written in the text are kept (case-sensitive), as the reference does.
        ("foo[SEP]bar [MASK]x [cls]", [101, 29379, 102, 3347, 103, 1060, 1031, 18856, 2015, 1033, 102]),
        // A word with a character outside the vocabulary is [UNK] as a whole; others split into pieces.
        (
            "x\u{2603}y unbelievably qwertyuiopasdfgh",
            [101, 100, 4895, 8671, 2666, 3567, 6321, 1053, 13777, 3723, 10179, 29477, 16150, 2546, 5603, 102]
        ),
        // Unicode punctuation splits; ¿ and ¡ are punctuation too.
        (
            "«Guillemets» ‘quotes’ — dash… ¿qué? ¡sí!",
            [101, 1077, 26458, 6216, 11368, 2015, 1090, 1520, 16614, 1521, 1517, 11454, 1529, 1094, 10861, 1029, 1067,
             9033, 999, 102]
        ),
        // Per-character lowercasing (no final sigma), Cyrillic, titlecase digraph, dotted capital I, ligature.
        (
            "ΣΑΣ Привет мир ǅ İstanbul ﬁne",
            [101, 1173, 14608, 29733, 1194, 16856, 10325, 25529, 15290, 22919, 1191, 10325, 16856, 100, 9960, 1984, 2638,
             102]
        ),
        ("", [101, 102]),
        ("   \n\t  ", [101, 102]),
    ]

    @Test("Hand-picked inputs give the reference tokenizer's ids", arguments: 0..<handCases.count)
    func handCase(index: Int) throws {
        let model = try TestModel.model()
        let (text, expected) = Self.handCases[index]
        #expect(model.tokenize(text) == expected, "text: \(text)")
    }

    @Test("A word over 100 characters is [UNK]; one of exactly 100 is split into pieces")
    func longWord() throws {
        let model = try TestModel.model()
        let ids = model.tokenize(String(repeating: "a", count: 101) + " " + String(repeating: "a", count: 100))
        #expect(ids.prefix(3) == [101, 100, 13360])
        #expect(ids.count == 53)
        #expect(ids.last == 102)
        #expect(model.wordPieces(String(repeating: "a", count: 100)).joined() == "aaa" + String(repeating: "##aa", count: 48) + "##a")
    }

    @Test("Random text of every script and special-token fragments always tokenizes within bounds")
    func randomText() throws {
        let model = try TestModel.model()
        let alphabet = Array("abzAZ09 .,;'’-#[]CLSEPUNK|éüßñ\u{301}\u{200B}中文日本語한국어ไทย🎉👩‍👩‍👧\t\n\u{0}")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...80, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            let ids = model.tokenize(text)
            #expect(ids.first == 101 && ids.last == 102 && ids.count <= MiniLM.maxTokens, "\(text)")
            #expect(ids.allSatisfy { (0..<30_522).contains($0) }, "\(text)")
        }
    }

    @Test("Long texts are truncated to 256 tokens, [CLS] and [SEP] included")
    func truncation() throws {
        let model = try TestModel.model()
        let word = try #require(model.tokenize("word").dropFirst().first)
        let ids = model.tokenize(Array(repeating: "word", count: 1000).joined(separator: " "))
        #expect(ids.count == MiniLM.maxTokens)
        #expect(ids.first == 101)
        #expect(ids.last == 102)
        #expect(ids.dropFirst().dropLast().allSatisfy { $0 == word })
        // A word split into several pieces at the limit is cut mid-word, as the reference does.
        let pieces = model.tokenize(Array(repeating: "unbelievably", count: 100).joined(separator: " "))
        #expect(pieces.count == MiniLM.maxTokens)
        let unbelievably: [Int32] = [4895, 8671, 2666, 3567, 6321]
        #expect((1..<255).allSatisfy { pieces[$0] == unbelievably[($0 - 1) % 5] })
        #expect(pieces[254] == 3567)  // the 51st word stops after its 4th piece
        #expect(pieces.last == 102)
    }
}
