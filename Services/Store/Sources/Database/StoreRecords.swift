import Contracts
import CryptoModels
import Foundation

/// The filters and window of a news page request.
public struct NewsQuery: Sendable, Hashable {
    /// Page number, starting at 1.
    public var page: Int
    /// Items per page (1…500).
    public var pageSize: Int
    /// Only items from this source (`CoinDesk`), when set.
    public var source: String?
    /// Only items mentioning this canonical symbol (`BTC`), when set.
    public var asset: String?
    /// Only items whose sentiment label is this (`positive`), when set.
    public var sentimentLabel: String?

    /// Creates a query.
    public init(page: Int = 1, pageSize: Int = 20, source: String? = nil, asset: String? = nil, sentimentLabel: String? = nil) {
        self.page = page
        self.pageSize = pageSize
        self.source = source
        self.asset = asset
        self.sentimentLabel = sentimentLabel
    }
}
