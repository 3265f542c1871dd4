import Contracts
import CryptoModels
import Foundation
import GRDB

/// Online backups (SQLite's backup API), rotation, listing and restore.
extension SQLiteHistoryStore {
    /// Marker between the database's base name and the timestamp in a backup file name.
    static let backupMarker = "-backup-"

    /// Implements `HistoryStore.backup` (see the protocol for the contract).
    public func backup(to directory: String, keep: Int) async throws -> BackupInfo {
        guard keep >= 1 else { throw StoreError.invalidArgument("keep must be at least 1, got \(keep)") }
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw StoreError.fileSystem("cannot create backup directory \(directory): \(error)")
        }
        let base = Self.backupBaseName(path)
        var stamp = Timestamps.nowMillis()
        var target = folder.appendingPathComponent(Self.backupFileName(base: base, at: stamp))
        while FileManager.default.fileExists(atPath: target.path) {
            stamp += 1
            target = folder.appendingPathComponent(Self.backupFileName(base: base, at: stamp))
        }
        let partial = folder.appendingPathComponent("." + target.lastPathComponent + ".partial")
        try? FileManager.default.removeItem(at: partial)
        do {
            let destination = try DatabaseQueue(path: partial.path)
            // A reader connection gives a consistent snapshot while writers go on (WAL).
            try await pool.read { db in
                try destination.writeWithoutTransaction { destinationDB in try db.backup(to: destinationDB) }
            }
            // The copy carries the WAL flag of the source header; make it a self-contained rollback-journal file.
            try await destination.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            }
            try destination.close()
            try FileManager.default.moveItem(at: partial, to: target)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        let info = BackupInfo(path: target.path, createdAt: stamp, bytes: Self.fileSize(target.path))
        let backups = try Self.listBackups(in: directory, databasePath: path)
        for old in backups.dropFirst(keep) {
            try? FileManager.default.removeItem(atPath: old.path)
        }
        logger.info("store backup", metadata: ["store.backup": "\(target.path)", "store.bytes": "\(info.bytes)",
                                               "store.removed": "\(max(0, backups.count - keep))"])
        return info
    }

    /// Backups of the database at `databasePath` found in `directory`, newest first.
    public static func listBackups(in directory: String, databasePath: String) throws -> [BackupInfo] {
        let prefix = backupBaseName(databasePath) + backupMarker
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            if !FileManager.default.fileExists(atPath: directory) { return [] }
            throw StoreError.fileSystem("cannot list \(directory): \(error)")
        }
        return names.compactMap { name -> BackupInfo? in
            guard name.hasPrefix(prefix), name.hasSuffix(".sqlite"),
                  let stamp = parseBackupStamp(String(name.dropFirst(prefix.count).dropLast(".sqlite".count)))
            else { return nil }
            let full = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            return BackupInfo(path: full, createdAt: stamp, bytes: fileSize(full))
        }
        .sorted { ($0.createdAt, $0.path) > ($1.createdAt, $1.path) }
    }

    /// Replaces the database file at `databasePath` by the backup at `backupPath`.
    ///
    /// The database must be closed (no `SQLiteHistoryStore` open on it, in any process). The backup is first
    /// validated (`PRAGMA integrity_check` must answer `ok`, and its migrations must all be known to this build);
    /// then it is copied to a temporary file beside the database, flushed, the old `-wal`/`-shm` files are
    /// removed (their frames belong to the old file), and the copy is renamed over the database atomically.
    public static func restoreBackup(from backupPath: String, to databasePath: String) throws {
        try validateBackup(backupPath)
        let target = URL(fileURLWithPath: databasePath)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent("." + target.lastPathComponent + ".restore-\(ProcessInfo.processInfo.processIdentifier)")
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? manager.removeItem(at: temporary)
            try manager.copyItem(atPath: backupPath, toPath: temporary.path)
            let handle = try FileHandle(forUpdating: temporary)
            try handle.synchronize()
            try handle.close()
            for suffix in ["-wal", "-shm", "-journal"] where manager.fileExists(atPath: databasePath + suffix) {
                try manager.removeItem(atPath: databasePath + suffix)
            }
            guard rename(temporary.path, databasePath) == 0 else {
                throw StoreError.fileSystem("rename to \(databasePath) failed: errno \(errno)")
            }
        } catch let error as StoreError {
            try? manager.removeItem(at: temporary)
            throw error
        } catch {
            try? manager.removeItem(at: temporary)
            throw StoreError.fileSystem("restore of \(backupPath) failed: \(error)")
        }
    }

    /// Checks that a file is a healthy database of this schema family.
    static func validateBackup(_ backupPath: String) throws {
        guard FileManager.default.fileExists(atPath: backupPath) else {
            throw StoreError.invalidBackup(path: backupPath, reason: "no such file")
        }
        var config = Configuration()
        config.readonly = true
        let lines: [String]
        let migrations: [String]
        do {
            let queue = try DatabaseQueue(path: backupPath, configuration: config)
            defer { try? queue.close() }
            (lines, migrations) = try queue.read { db in
                (try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                 try db.tableExists("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : [])
            }
        } catch {
            throw StoreError.invalidBackup(path: backupPath, reason: "cannot be read as SQLite: \(error)")
        }
        guard lines == ["ok"] else {
            throw StoreError.invalidBackup(path: backupPath, reason: "integrity_check: " + lines.prefix(5).joined(separator: "; "))
        }
        let known = Set(migrator.migrations)
        guard !migrations.isEmpty else {
            throw StoreError.invalidBackup(path: backupPath, reason: "not a history store database (no migrations)")
        }
        if let unknown = migrations.first(where: { !known.contains($0) }) {
            throw StoreError.invalidBackup(path: backupPath, reason: "written by a newer schema (migration \(unknown))")
        }
    }

    /// The database file name without its extension (`cryptodt` for `/data/cryptodt.sqlite`).
    static func backupBaseName(_ databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).deletingPathExtension().lastPathComponent
    }

    /// `<base>-backup-YYYYMMDD-HHMMSS-mmm.sqlite` in UTC, which sorts by time.
    static func backupFileName(base: String, at ms: EpochMillis) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let date = Date(timeIntervalSince1970: Double(ms / 1_000))
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let millis = Int(((ms % 1_000) + 1_000) % 1_000)
        return base + backupMarker + pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "-"
            + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2) + "-" + pad(millis, 3) + ".sqlite"
    }

    /// Parses `YYYYMMDD-HHMMSS-mmm` back to epoch ms.
    static func parseBackupStamp(_ text: String) -> EpochMillis? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 8, parts[1].count == 6, parts[2].count == 3,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        let d = Array(parts[0]), t = Array(parts[1])
        func number(_ chars: ArraySlice<Character>) -> Int { Int(String(chars)) ?? 0 }
        var components = DateComponents()
        components.year = number(d[0..<4]); components.month = number(d[4..<6]); components.day = number(d[6..<8])
        components.hour = number(t[0..<2]); components.minute = number(t[2..<4]); components.second = number(t[4..<6])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: components), let millis = Int64(parts[2]) else { return nil }
        return Int64(date.timeIntervalSince1970) * 1_000 + millis
    }
}
