import Contracts
import GRDB
import GRDBSQLite

/// Inserts audit rows through one prepared statement with SQLite's own binding calls.
///
/// The gateway's request audit writes one row per served request (tens of thousands a second under load), so the
/// per-row cost matters: GRDB's `execute(arguments:)` builds an argument array of existentials and copies every
/// string; here integers are bound directly and strings are bound without a copy while the step runs. (GRDB's
/// per-statement hooks for database observation are bypassed; nothing observes `user_requests`.)
enum UserRequestInsert {
    /// Binds and steps `statement` (`INSERT INTO user_requests (ts, key_id, route, method, status, latency_us, bytes)
    /// VALUES (?, ?, ?, ?, ?, ?, ?)`) once per request, inside the caller's transaction.
    static func run(_ statement: Statement, _ requests: [UserRequestRecord]) throws {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for request in requests {
            sqlite3_reset(handle)
            sqlite3_bind_int64(handle, 1, request.ts)
            sqlite3_bind_int64(handle, 5, Int64(request.status))
            sqlite3_bind_int64(handle, 6, request.latencyUs)
            sqlite3_bind_int64(handle, 7, request.bytes)
            // The text pointers are valid only inside `withCString`, so the step runs there (SQLITE_STATIC: no copy).
            let code = request.route.withCString { route in
                request.method.withCString { method in
                    sqlite3_bind_text(handle, 3, route, -1, nil)
                    sqlite3_bind_text(handle, 4, method, -1, nil)
                    guard let keyID = request.keyID else {
                        sqlite3_bind_null(handle, 2)
                        return sqlite3_step(handle)
                    }
                    return keyID.withCString { key in
                        sqlite3_bind_text(handle, 2, key, -1, nil)
                        return sqlite3_step(handle)
                    }
                }
            }
            guard code == SQLITE_DONE else {
                let message = sqlite3_errmsg(sqlite3_db_handle(handle)).map { String(cString: $0) } ?? "inserting an audit row failed"
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
            }
        }
    }
}
