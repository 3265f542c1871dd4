import Feeds
import Foundation

/// Access to the files in `Tests/Fixtures/feeds`.
enum Fixtures {
    /// The fixture folder, found relative to this source file.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/feeds")

    /// The bytes of fixture `name`.
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// Fixture `name` parsed with default options.
    static func feed(_ name: String) throws -> Feed {
        try FeedParser().parse(data(name))
    }
}
