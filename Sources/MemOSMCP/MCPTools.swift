import Foundation

/// One argument of a tool: its JSON type and whether it must be given.
struct ToolArgument: Sendable {
    enum Kind: String, Sendable {
        case string, integer
    }

    let name: String
    let kind: Kind
    let required: Bool
    let description: String
    var minimum: Int? = nil
    var maximum: Int? = nil
    /// For strings: a regular expression the value must match in full.
    var pattern: String? = nil

    var schema: MCPJSON {
        var schema: [String: MCPJSON] = ["type": .string(kind.rawValue), "description": .string(description)]
        if let minimum { schema["minimum"] = .int(minimum) }
        if let maximum { schema["maximum"] = .int(maximum) }
        if let pattern { schema["pattern"] = .string("^\(pattern)$") }
        if kind == .string, pattern == nil { schema["minLength"] = 1 }
        return .object(schema)
    }
}

/// A tool as `tools/list` describes it, with the rules its arguments are checked against.
struct ToolDefinition: Sendable {
    let name: String
    let title: String
    let description: String
    let arguments: [ToolArgument]
    let readOnly: Bool
    let destructive: Bool

    var listing: MCPJSON {
        .object([
            "name": .string(name),
            "title": .string(title),
            "description": .string(description),
            "inputSchema": .object([
                "type": "object",
                "properties": .object(Dictionary(uniqueKeysWithValues: arguments.map { ($0.name, $0.schema) })),
                "required": .array(arguments.filter(\.required).map { .string($0.name) }),
                "additionalProperties": false,
            ]),
            "annotations": .object([
                "title": .string(title), "readOnlyHint": .bool(readOnly), "destructiveHint": .bool(destructive),
                "openWorldHint": false,
            ]),
        ])
    }

    /// The arguments, checked: unknown names, missing required ones, wrong types and values
    /// outside their bounds are errors naming the argument.
    func validate(_ given: [String: MCPJSON]) throws(ToolArgumentError) -> [String: MCPJSON] {
        for key in given.keys.sorted() where !arguments.contains(where: { $0.name == key }) {
            throw ToolArgumentError("unknown argument '\(key)' for tool \(name) (expected: \(arguments.map(\.name).joined(separator: ", ")))")
        }
        var checked: [String: MCPJSON] = [:]
        for argument in arguments {
            guard let value = given[argument.name], value != .null else {
                if argument.required { throw ToolArgumentError("missing required argument '\(argument.name)' for tool \(name)") }
                continue
            }
            switch argument.kind {
            case .string:
                guard let text = value.stringValue else {
                    throw ToolArgumentError("argument '\(argument.name)' must be a string")
                }
                guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw ToolArgumentError("argument '\(argument.name)' must not be empty")
                }
                if let pattern = argument.pattern, text.range(of: "^\(pattern)$", options: .regularExpression) == nil {
                    throw ToolArgumentError("argument '\(argument.name)' is not valid: \(argument.description)")
                }
                checked[argument.name] = .string(text)
            case .integer:
                guard let number = value.intValue else {
                    throw ToolArgumentError("argument '\(argument.name)' must be an integer")
                }
                if let minimum = argument.minimum, number < minimum {
                    throw ToolArgumentError("argument '\(argument.name)' must be at least \(minimum)")
                }
                if let maximum = argument.maximum, number > maximum {
                    throw ToolArgumentError("argument '\(argument.name)' must be at most \(maximum)")
                }
                checked[argument.name] = .int(number)
            }
        }
        return checked
    }
}

/// Arguments that do not fit a tool's input schema (a JSON-RPC "invalid params" error).
struct ToolArgumentError: Error {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// The tools this server offers: add, search, get, delete and chat, each one gateway call.
enum MemosTools {
    static let uuidPattern = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    static let all: [ToolDefinition] = [
        ToolDefinition(
            name: "memos_add", title: "Add a memory",
            description: """
                Store a fact, preference or note in governed long-term memory. It is written as the \
                configured user and role, labelled (personal data raises the label) and audited.
                """,
            arguments: [
                ToolArgument(name: "text", kind: .string, required: true, description: "What to remember, as a self-contained statement."),
                ToolArgument(name: "cube", kind: .string, required: false, description: "Cube id or name (default: the role's own cube)."),
                ToolArgument(
                    name: "label", kind: .string, required: false,
                    description: "Sensitivity label, e.g. public, internal, confidential (default: the policy's default)."),
            ], readOnly: false, destructive: false),
        ToolDefinition(
            name: "memos_search", title: "Search memories",
            description: """
                Find the memories most relevant to a query among those the role may read (hybrid keyword \
                and semantic search). Returns ids, text, labels and scores.
                """,
            arguments: [
                ToolArgument(name: "query", kind: .string, required: true, description: "What to look for."),
                ToolArgument(
                    name: "top_k", kind: .integer, required: false, description: "How many results (1-100, default 10).",
                    minimum: 1, maximum: 100),
                ToolArgument(name: "cube", kind: .string, required: false, description: "Search only this cube (id or name)."),
            ], readOnly: true, destructive: false),
        ToolDefinition(
            name: "memos_get", title: "Read a memory",
            description: "Read one memory by id, with its label, type, tags and timestamps.",
            arguments: [
                ToolArgument(name: "id", kind: .string, required: true, description: "The memory's id (a UUID).", pattern: uuidPattern)
            ], readOnly: true, destructive: false),
        ToolDefinition(
            name: "memos_delete", title: "Delete a memory",
            description: "Delete one memory for good (all its versions), if the role may write its cube.",
            arguments: [
                ToolArgument(name: "id", kind: .string, required: true, description: "The memory's id (a UUID).", pattern: uuidPattern)
            ], readOnly: false, destructive: true),
        ToolDefinition(
            name: "memos_chat", title: "Chat with memory",
            description: """
                Ask the gateway's model a question answered with the user's memories (retrieved for the \
                role, with its activation and working memory); the turn is remembered.
                """,
            arguments: [
                ToolArgument(name: "message", kind: .string, required: true, description: "The user's message."),
                ToolArgument(
                    name: "session_id", kind: .string, required: false,
                    description: "Continue a conversation: the session_id of an earlier answer."),
            ], readOnly: false, destructive: false),
    ]

    static func named(_ name: String) -> ToolDefinition? {
        all.first { $0.name == name }
    }
}
