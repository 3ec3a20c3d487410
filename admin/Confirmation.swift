import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nothing destructive happens without `--yes` or, at a terminal, the operator typing the name
/// of what is destroyed.
enum Confirmation {
    /// Whether a person can answer a prompt: standard input and standard error are terminals.
    static var isInteractive: Bool {
        isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1
    }

    /// For `validate()`: without `--yes`, a prompt is needed, which needs a terminal.
    static func check(yes: Bool, interactive: Bool = isInteractive, action: String) throws {
        guard yes || interactive else {
            throw ValidationError("\(action) is destructive: pass --yes to confirm (no terminal to ask on)")
        }
    }

    /// For `run()`: unless `--yes`, asks the operator to type `expected`; anything else aborts (exit 64).
    static func confirm(yes: Bool, action: String, expected: String) throws {
        if yes { return }
        try check(yes: yes, action: action)
        FileHandle.standardError.write(Data("\(action). This cannot be undone.\nType '\(expected)' to confirm: ".utf8))
        let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces)
        guard answer == expected else {
            throw ValidationError("not confirmed (expected '\(expected)'); nothing was changed")
        }
    }

    /// Reads a secret at the terminal without echoing it.
    static func readSecret(prompt: String) -> String? {
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        let hasTerminal = tcgetattr(STDIN_FILENO, &original) == 0
        if hasTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        let line = readLine(strippingNewline: true)
        if hasTerminal {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return line
    }
}
