import MemOSCore
import Testing

@Suite("TextTokenizer")
struct TextTokenizerTests {
    let tokenizer = TextTokenizer()

    @Test("English: lowercases, drops stop words and punctuation, stems")
    func english() {
        #expect(
            tokenizer.tokens("The cats are RUNNING quickly, and the dog runs!")
                == ["cat", "run", "quickli", "dog", "run"])
    }

    @Test("Inflections of one word share a term")
    func inflectionsShareStem() {
        let stems = Set(["running", "runs", "run"].flatMap { tokenizer.tokens($0) })
        #expect(stems == ["run"])
        #expect(tokenizer.tokens("adoption") == tokenizer.tokens("adopted"))
        #expect(tokenizer.tokens("adoption") == ["adopt"])
    }

    @Test("Digits are kept and split from punctuation; tokens with digits are not stemmed")
    func digits() {
        #expect(
            tokenizer.tokens("Meeting at 10:30 on 2023-05-01, room B12 (flights).")
                == ["meet", "10", "30", "2023", "05", "01", "room", "b12", "flight"])
        #expect(tokenizer.tokens("mp3s") == ["mp3s"])
    }

    @Test("Diacritics fold, in precomposed and decomposed form")
    func diacritics() {
        #expect(tokenizer.tokens("Café Crème à Zürich") == ["cafe", "creme", "zurich"])
        #expect(tokenizer.tokens("Cafe\u{301}") == tokenizer.tokens("Café"))
        #expect(tokenizer.tokens("Straße") == ["strass"])
        #expect(tokenizer.tokens("ÉCOLE") == tokenizer.tokens("ecole"))
    }

    @Test("A text of only stop words yields no terms")
    func onlyStopWords() {
        #expect(tokenizer.tokens("The and of it, is it not?").isEmpty)
        #expect(tokenizer.tokens("don't").isEmpty)
        #expect(tokenizer.tokens("   ... !!! ").isEmpty)
        #expect(tokenizer.tokens("").isEmpty)
    }

    @Test("Chinese runs become overlapping bigrams")
    func chinese() {
        #expect(tokenizer.tokens("我喜欢猫") == ["我喜", "喜欢", "欢猫"])
        #expect(tokenizer.tokens("猫") == ["猫"])
        #expect(tokenizer.tokens("我喜欢猫。狗！") == ["我喜", "喜欢", "欢猫", "狗"])
    }

    @Test("Japanese kana and kanji form one run")
    func japanese() {
        let text = "東京タワーに行きました"
        let characters = text.map(String.init)
        let expected = (0..<(characters.count - 1)).map { characters[$0] + characters[$0 + 1] }
        #expect(tokenizer.tokens(text) == expected)
        #expect(expected.first == "東京")
        #expect(expected.count == 10)
    }

    @Test("Korean Hangul is bigrammed per run")
    func korean() {
        #expect(tokenizer.tokens("안녕하세요 세계") == ["안녕", "녕하", "하세", "세요", "세계"])
    }

    @Test("Mixed CJK and Latin split at script boundaries")
    func mixed() {
        #expect(tokenizer.tokens("我在Google工作") == ["我在", "googl", "工作"])
        #expect(tokenizer.tokens("iPhone15を買った") == ["iphone15", "を買", "買っ", "った"])
    }

    @Test("Fullwidth ASCII means the same as ASCII")
    func fullwidth() {
        #expect(tokenizer.tokens("ＧＰＴ４ ｍｏｄｅｌｓ") == ["gpt4", "model"])
    }

    @Test("Term frequencies count stemmed terms")
    func termFrequencies() {
        #expect(tokenizer.termFrequencies("run running runs dog, the dog") == ["run": 3, "dog": 2])
        #expect(tokenizer.termFrequencies("the a an").isEmpty)
    }

    /// Word → stem pairs from Porter's 1980 paper and the reference vocabulary.
    @Test(
        "Porter stemmer matches the published examples",
        arguments: [
            ("caresses", "caress"), ("ponies", "poni"), ("caress", "caress"), ("cats", "cat"),
            ("feed", "feed"), ("agreed", "agre"), ("plastered", "plaster"), ("bled", "bled"),
            ("motoring", "motor"), ("sing", "sing"), ("conflated", "conflat"), ("troubled", "troubl"),
            ("sized", "size"), ("hopping", "hop"), ("tanned", "tan"), ("falling", "fall"),
            ("hissing", "hiss"), ("fizzed", "fizz"), ("failing", "fail"), ("filing", "file"),
            ("happy", "happi"), ("sky", "sky"), ("relational", "relat"), ("conditional", "condit"),
            ("rational", "ration"), ("digitizer", "digit"), ("conformabli", "conform"),
            ("vietnamization", "vietnam"), ("operator", "oper"), ("hopefulness", "hope"),
            ("goodness", "good"), ("electrical", "electr"), ("allowance", "allow"),
            ("adjustable", "adjust"), ("replacement", "replac"), ("adoption", "adopt"),
            ("effective", "effect"), ("controll", "control"), ("roll", "roll"),
            ("generalizations", "gener"), ("oscillators", "oscil"), ("probate", "probat"),
            ("rate", "rate"), ("cease", "ceas"),
        ])
    func porter(word: String, stem: String) {
        #expect(TextTokenizer.porterStem(word) == stem)
    }

    @Test("Short words and non-letters are not stemmed")
    func porterLeavesShortWords() {
        #expect(TextTokenizer.porterStem("is") == "is")
        #expect(TextTokenizer.porterStem("as") == "as")
        #expect(TextTokenizer.porterStem("r2d2s") == "r2d2s")
    }

    /// Random text mixing ASCII, accents, combining marks, CJK, emoji and punctuation, 20,000
    /// strings: tokenizing and stemming always answer with non-empty tokens.
    @Test func randomTextNeverCrashesTheTokenizer() {
        let alphabet = Array("abcyzAEIOUs'’-_.,!? 0123456789éüß\u{301}\u{308}中文日本語한국어🎉👩‍👩‍👧\t\n")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...40, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(!tokenizer.tokens(text).contains(""), "\(text)")
        }
    }
}
