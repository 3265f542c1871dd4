import Contracts
import GRDB

extension SQLiteHistoryStore {
    /// The versioned schema. Migrations are append-only: a released migration is never edited; changes go in a
    /// new one. `migrate` applies only what is missing, so running it at every open is idempotent.
    ///
    /// Layout choices: timestamps are INTEGER epoch ms; decimals are TEXT in canonical form (exact, never REAL);
    /// high-volume tables keyed by a natural key are `WITHOUT ROWID`, so the row lives in the primary-key b-tree
    /// and no second copy of the key is stored (≈ half the bytes of a rowid table plus a unique index).
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-history") { db in
            try db.execute(sql: """
                CREATE TABLE prices (
                  symbol TEXT NOT NULL,
                  vs TEXT NOT NULL,
                  ts INTEGER NOT NULL,
                  source TEXT NOT NULL,
                  price TEXT NOT NULL,
                  market_cap TEXT,
                  volume_24h TEXT,
                  change_24h_pct REAL,
                  PRIMARY KEY (symbol, vs, ts, source)
                ) WITHOUT ROWID;
                CREATE INDEX prices_ts ON prices (ts);

                CREATE TABLE ohlcv (
                  symbol TEXT NOT NULL,
                  interval TEXT NOT NULL,
                  open_time INTEGER NOT NULL,
                  open TEXT NOT NULL,
                  high TEXT NOT NULL,
                  low TEXT NOT NULL,
                  close TEXT NOT NULL,
                  volume TEXT,
                  closed INTEGER NOT NULL,
                  source TEXT NOT NULL,
                  PRIMARY KEY (symbol, interval, open_time)
                ) WITHOUT ROWID;

                -- One row per (symbol, interval) present in ohlcv: lets retention and stats walk the primary key
                -- series by series instead of keeping a second index on open_time for every candle.
                CREATE TABLE ohlcv_series (
                  symbol TEXT NOT NULL,
                  interval TEXT NOT NULL,
                  PRIMARY KEY (symbol, interval)
                ) WITHOUT ROWID;

                CREATE TABLE known_symbols (
                  symbol TEXT PRIMARY KEY NOT NULL,
                  first_seen INTEGER NOT NULL,
                  last_seen INTEGER NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE market_snapshots (
                  id INTEGER PRIMARY KEY,
                  ts INTEGER NOT NULL,
                  source TEXT NOT NULL,
                  vs TEXT NOT NULL,
                  row_count INTEGER NOT NULL,
                  rows_json TEXT NOT NULL,
                  UNIQUE (source, vs, ts)
                );
                CREATE INDEX market_snapshots_ts ON market_snapshots (ts);

                CREATE TABLE defi_protocols (
                  slug TEXT NOT NULL,
                  ts INTEGER NOT NULL,
                  name TEXT NOT NULL,
                  category TEXT,
                  tvl TEXT NOT NULL,
                  chains TEXT NOT NULL,
                  chain_tvls TEXT NOT NULL,
                  extra_tvls TEXT NOT NULL,
                  change_1d_pct REAL,
                  change_7d_pct REAL,
                  gecko_id TEXT,
                  PRIMARY KEY (slug, ts)
                ) WITHOUT ROWID;
                CREATE INDEX defi_protocols_ts ON defi_protocols (ts);

                CREATE TABLE news (
                  id TEXT PRIMARY KEY NOT NULL,
                  guid TEXT UNIQUE,
                  url TEXT NOT NULL,
                  url_normalized TEXT NOT NULL UNIQUE,
                  title TEXT NOT NULL,
                  summary TEXT,
                  source TEXT NOT NULL,
                  published_at INTEGER NOT NULL,
                  sentiment_label TEXT,
                  sentiment_score REAL,
                  sentiment_model TEXT,
                  sentiment_model_version TEXT,
                  sentiment_probabilities TEXT
                );
                CREATE INDEX news_published ON news (published_at, id);
                CREATE INDEX news_source_published ON news (source, published_at);
                CREATE INDEX news_label_published ON news (sentiment_label, published_at);

                CREATE TABLE news_assets (
                  symbol TEXT NOT NULL,
                  news_id TEXT NOT NULL REFERENCES news (id) ON DELETE CASCADE,
                  PRIMARY KEY (symbol, news_id)
                ) WITHOUT ROWID;
                CREATE INDEX news_assets_news ON news_assets (news_id);

                CREATE TABLE fear_greed (
                  day INTEGER PRIMARY KEY,
                  ts INTEGER NOT NULL,
                  value INTEGER NOT NULL,
                  classification TEXT NOT NULL
                );
                CREATE INDEX fear_greed_ts ON fear_greed (ts);

                CREATE TABLE providers (
                  name TEXT PRIMARY KEY NOT NULL,
                  last_ok_at INTEGER,
                  last_error_at INTEGER,
                  last_error TEXT,
                  ok_count INTEGER NOT NULL DEFAULT 0,
                  error_count INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;

                CREATE TABLE api_calls (
                  id INTEGER PRIMARY KEY,
                  provider TEXT NOT NULL,
                  endpoint TEXT NOT NULL,
                  status INTEGER,
                  latency_ms INTEGER NOT NULL,
                  ts INTEGER NOT NULL,
                  error TEXT
                );
                CREATE INDEX api_calls_ts ON api_calls (ts);
                CREATE INDEX api_calls_provider_ts ON api_calls (provider, ts);

                CREATE TABLE user_requests (
                  id INTEGER PRIMARY KEY,
                  ts INTEGER NOT NULL,
                  key_id TEXT,
                  route TEXT NOT NULL,
                  method TEXT NOT NULL,
                  status INTEGER NOT NULL,
                  latency_us INTEGER NOT NULL,
                  bytes INTEGER NOT NULL
                );
                CREATE INDEX user_requests_ts ON user_requests (ts);
                CREATE INDEX user_requests_key_ts ON user_requests (key_id, ts);

                CREATE TABLE api_keys (
                  id TEXT PRIMARY KEY NOT NULL,
                  prefix TEXT NOT NULL UNIQUE,
                  hash TEXT NOT NULL,
                  tier TEXT NOT NULL,
                  scopes TEXT NOT NULL,
                  name TEXT,
                  created_at INTEGER NOT NULL,
                  revoked_at INTEGER,
                  last_used_at INTEGER
                );
                """)
        }
        return migrator
    }()

    /// Names of the applied migrations, oldest first.
    public func appliedMigrations() async throws -> [String] {
        try await pool.read { db in try Self.migrator.appliedMigrations(db) }
    }
}
