import Contracts
import Foundation

/// Errors raised by the history store. Each carries enough context to say what was wrong without leaking SQL.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A caller passed an argument the store cannot act on (empty symbol, `from > to`, page 0, …).
    case invalidArgument(String)
    /// A stored value could not be read back as its type (e.g. a decimal column holding `"abc"`).
    case corruptValue(table: String, column: String, value: String)
    /// A row with the same natural key already exists (e.g. an API key prefix).
    case duplicate(String)
    /// A backup file failed validation (`PRAGMA integrity_check` or schema check), so it was not restored.
    case invalidBackup(path: String, reason: String)
    /// A file-system step of a backup or restore failed.
    case fileSystem(String)

    /// A human-readable description.
    public var description: String {
        switch self {
        case .invalidArgument(let detail): "invalid argument: \(detail)"
        case .corruptValue(let table, let column, let value): "corrupt value in \(table).\(column): \(value)"
        case .duplicate(let detail): "duplicate: \(detail)"
        case .invalidBackup(let path, let reason): "invalid backup \(path): \(reason)"
        case .fileSystem(let detail): "file system: \(detail)"
        }
    }
}
