import ArgumentParser
import Testing

@testable import memos_admin

/// The command tree parses what its help promises and refuses what it does not.
@Suite struct CommandParsingTests {
    @Test func tenantCreateParsesItsName() throws {
        let command = try AdminCommand.parseAsRoot(["tenant", "create", "acme", "--token", "t"])
        let create = try #require(command as? TenantCommand.Create)
        #expect(create.name == "acme")
    }

    @Test func unknownSubcommandsAreUsageErrors() {
        #expect(throws: (any Error).self) { _ = try AdminCommand.parseAsRoot(["tenant", "explode"]) }
    }
}
