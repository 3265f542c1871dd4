import AccessKeys
import ArgumentParser
import Contracts
import CryptoModels
import Foundation
import RPC

/// `cryptodt-admin keys create|list|revoke`: API key administration through store-svc.
///
/// A created key is printed once; only its prefix and SHA-256 are stored. Gateways trust a cached key record for at
/// most 30 s, so a revocation here takes effect everywhere within that time (at once through `DELETE /api/keys/{id}`
/// on a gateway, for that gateway).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    /// `keys create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it (shown once).")

        @OptionGroup var options: AdminOptions

        @Option(help: "Tier: free, pro, enterprise or admin.")
        var tier = "free"

        @Option(help: "Comma-separated scopes (default: the tier's; known: \(Scopes.all.joined(separator: ", "))).")
        var scopes: String?

        @Option(help: "A label.")
        var name: String?

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            guard Scopes.keyTiers.contains(tier) else {
                throw ValidationError("--tier must be one of \(Scopes.keyTiers.joined(separator: ", "))")
            }
            var granted = Scopes.defaults(forTier: tier)
            if let scopes {
                switch Scopes.parse(scopes) {
                case .success(let parsed): granted = parsed
                case .failure(let unknown): throw ValidationError("unknown scope '\(unknown.name)'; known: \(Scopes.all.joined(separator: ", "))")
                }
            }
            let key = APIKey.generate()
            let record = APIKeyRecord(id: key.id, prefix: key.prefix, hash: key.hash, tier: tier, scopes: granted, name: name,
                                      createdAt: Int64(Date().timeIntervalSince1970 * 1_000))
            let client = try options.client()
            defer { client.close() }
            _ = try await client.call(Contracts.Store.CreateKey.self, .init(key: record))
            if json {
                print(try Output.json(["id": key.id, "key": key.value, "prefix": key.prefix, "tier": tier,
                                       "scopes": granted.joined(separator: " ")]))
            } else {
                print("created key \(key.id) (tier \(tier); scopes \(granted.joined(separator: " ")))")
                print("key: \(key.value)")
                print("store it now: it is not shown again (only its prefix \(key.prefix) and a hash are kept)")
            }
        }
    }

    /// `keys list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their values).")

        @OptionGroup var options: AdminOptions

        @Flag(help: "Include revoked keys.")
        var all = false

        @Flag(help: "Print the keys as JSON.")
        var json = false

        func run() async throws {
            let client = try options.client()
            defer { client.close() }
            let keys = try await client.call(Contracts.Store.ListKeys.self, .init(includeRevoked: all)).keys
            if json {
                let rows = keys.map { key -> [String: String] in
                    var row = ["id": key.id, "prefix": key.prefix, "tier": key.tier, "scopes": key.scopes.joined(separator: " "),
                               "created_at": Timestamps.iso8601(key.createdAt), "active": key.isActive ? "true" : "false"]
                    if let name = key.name { row["name"] = name }
                    if let revoked = key.revokedAt { row["revoked_at"] = Timestamps.iso8601(revoked) }
                    if let used = key.lastUsedAt { row["last_used_at"] = Timestamps.iso8601(used) }
                    return row
                }
                print(try Output.json(rows))
                return
            }
            for key in keys {
                let state = key.revokedAt.map { "revoked \(Timestamps.iso8601($0))" } ?? "active"
                let used = key.lastUsedAt.map { "last used \(Timestamps.iso8601($0))" } ?? "never used"
                print("\(key.id)  \(key.prefix)…  \(key.tier.padding(toLength: 10, withPad: " ", startingAt: 0)) \(key.scopes.joined(separator: ","))  \(state), \(used)\(key.name.map { "  \($0)" } ?? "")")
            }
        }
    }

    /// `keys revoke`.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key (its tokens stop working within 60 s).")

        @OptionGroup var options: AdminOptions

        @Argument(help: "The key id.")
        var id: String

        func run() async throws {
            guard APIKey.isValidID(id) else { throw ValidationError("'\(id)' is not a key id (\(APIKey.idLength) letters and digits)") }
            let client = try options.client()
            defer { client.close() }
            let result = try await client.call(Contracts.Store.RevokeKey.self, .init(id: id, at: Int64(Date().timeIntervalSince1970 * 1_000)))
            guard result.updated else { throw ValidationError("no active key has the id \(id)") }
            print("revoked key \(id)")
        }
    }
}
