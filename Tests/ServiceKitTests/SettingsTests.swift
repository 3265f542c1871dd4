import Contracts
import RPC
import ServiceKit
import Testing

/// Configuration from the environment (ARCHITECTURE.md §4).
@Suite("Settings")
struct SettingsTests {
    @Test("defaults follow ARCHITECTURE.md §4")
    func defaults() throws {
        let settings = Settings(environment: [:])
        #expect(settings.port == 7860)
        #expect(settings.dataDir == "./data")
        #expect(settings.socketDir == "./data/run")
        #expect(settings.databaseURL == "sqlite://./data/cryptodt.sqlite")
        #expect(settings.environment == "development")
        #expect(settings.logLevel == .info)
        #expect(try settings.rpcAddress(of: .market) == .unix(path: "./data/run/market.sock"))
        #expect(try settings.rpcAddress(of: .newsSentiment) == .unix(path: "./data/run/news-sentiment.sock"))
    }

    @Test("variables override the defaults; SOCKET_DIR follows DATA_DIR unless set")
    func overrides() throws {
        let settings = Settings(environment: ["PORT": "8081", "DATA_DIR": "/srv/x", "LOG_LEVEL": "DEBUG",
                                              "ENVIRONMENT": "Production", "COINGECKO_BASE_URL": "http://127.0.0.1:9/cg"])
        #expect(settings.port == 8081)
        #expect(settings.socketDir == "/srv/x/run")
        #expect(settings.databaseURL == "sqlite:///srv/x/cryptodt.sqlite")
        #expect(settings.logLevel == .debug)
        #expect(settings.isProduction)
        #expect(settings.string("coingecko.base.url") == "http://127.0.0.1:9/cg")
        #expect(Settings(environment: ["DATA_DIR": "/a", "SOCKET_DIR": "/b"]).socketDir == "/b")
    }

    @Test("a service address can be moved to TCP; a malformed one is an error, not a guess")
    func addresses() throws {
        let settings = Settings(environment: ["MARKET_RPC_ADDRESS": "tcp://127.0.0.1:7001",
                                              "NEWS_SENTIMENT_RPC_ADDRESS": "/run/ns.sock",
                                              "STORE_RPC_ADDRESS": "tcp://nohost"])
        #expect(try settings.rpcAddress(of: .market) == .tcp(host: "127.0.0.1", port: 7001))
        #expect(try settings.rpcAddress(of: .newsSentiment) == .unix(path: "/run/ns.sock"))
        #expect(throws: RPCAddressError.self) { try settings.rpcAddress(of: .store) }
    }

    @Test("RPC address parsing", arguments: [
        ("tcp://[::1]:80", RPCAddress.tcp(host: "::1", port: 80)),
        ("unix:///tmp/a.sock", RPCAddress.unix(path: "/tmp/a.sock")),
        (" /tmp/b.sock ", RPCAddress.unix(path: "/tmp/b.sock")),
    ])
    func parsing(text: String, expected: RPCAddress) throws {
        #expect(try RPCAddress(parsing: text) == expected)
        #expect(try RPCAddress(parsing: expected.description) == expected)
    }

    @Test("invalid addresses are refused", arguments: ["", "tcp://host", "tcp://:80", "tcp://h:99999", "http://x", "unix://"])
    func invalid(text: String) {
        #expect(throws: RPCAddressError.self) { try RPCAddress(parsing: text) }
    }

    @Test("durations in seconds, fractional allowed; a bad value falls back to the default")
    func durations() {
        let settings = Settings(environment: ["HEALTH_PROBE_TIMEOUT": "0.25", "RPC_CALL_TIMEOUT": "soon"])
        #expect(settings.seconds("health.probe.timeout", default: 0.8) == .milliseconds(250))
        #expect(settings.seconds("rpc.call.timeout", default: 10) == .seconds(10))
    }
}
