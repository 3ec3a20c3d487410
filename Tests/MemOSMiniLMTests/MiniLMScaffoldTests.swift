import Testing
@testable import MemOSMiniLM

@Suite struct MiniLMScaffoldTests {
    @Test func dimensionsMatchTheModel() {
        #expect(MiniLM.dimensions == 384)
    }
}
