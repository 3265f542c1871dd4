import Contracts
import Foundation
import ServiceKit

/// store-svc: durable history in SQLite.
public enum StoreService {
    /// Registers store-svc's RPC methods, services and health checks.
    public static func configure(_ setup: inout ServiceSetup) async throws {
        let dataDir = setup.settings.dataDir
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        setup.health.register("data-dir") {
            FileManager.default.isWritableFile(atPath: dataDir)
                ? ComponentCheck(name: "data-dir", status: .healthy)
                : ComponentCheck(name: "data-dir", status: .unhealthy, detail: "\(dataDir) is not writable")
        }
    }
}
