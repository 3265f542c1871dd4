import Foundation
import Hummingbird
import RPC

/// Serves `/openapi.json` and a `/docs` page generated from it.
struct OpenAPIController: Sendable {
    let json: ByteBuffer
    let html: ByteBuffer

    init(document: JSON) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        json = ByteBuffer(bytes: (try? encoder.encode(document)) ?? Data("{}".utf8))
        html = ByteBuffer(string: Self.renderDocs(document))
    }

    func addRoutes(to router: Router<GatewayContext>) {
        let json = self.json, html = self.html
        router.get("/openapi.json") { _, _ in JSONBody.response(bytes: json) }
        router.get("/docs") { _, _ in JSONBody.response(bytes: html, contentType: "text/html; charset=utf-8") }
    }

    /// A plain HTML page listing every operation (no external assets: the container may have no internet).
    static func renderDocs(_ document: JSON) -> String {
        var rows = ""
        if case .object(let paths)? = document.member("paths") {
            for path in paths.keys.sorted() {
                guard case .object(let operations)? = paths[path] else { continue }
                for method in operations.keys.sorted() {
                    let summary = operations[method]?.member("summary")?.stringValue ?? ""
                    rows += "<tr><td><code>\(method.uppercased())</code></td><td><code>\(escape(path))</code></td><td>\(escape(summary))</td></tr>\n"
                }
            }
        }
        return """
        <!doctype html><html><head><meta charset="utf-8"><title>Crypto-DT-Source API</title>
        <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}td{padding:.3rem .8rem;border-bottom:1px solid #ddd}</style>
        </head><body><h1>Crypto-DT-Source API</h1>
        <p>Machine-readable description: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are
        <code>application/problem+json</code> (RFC 9457) with a stable <code>type</code>.</p>
        <table>\(rows)</table></body></html>
        """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension JSON {
    /// The member of an object, if this is one.
    func member(_ key: String) -> JSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}
