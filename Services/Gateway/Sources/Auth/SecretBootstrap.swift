import Foundation
import JWTKit
import ServiceKit

/// Chooses the token signing key at start-up.
///
/// `JWT_ALGORITHM` (`HS256` default, `EdDSA`, `RS256`). HS256 uses `JWT_SECRET` (at least 32 bytes); without it,
/// `ENVIRONMENT=production` refuses to start, and development generates a random secret once into
/// `$DATA_DIR/jwt-secret` with mode 0600 (an existing file is reused; its mode is tightened to 0600). EdDSA and
/// RS256 read a PEM private key from `JWT_PRIVATE_KEY_FILE`.
public enum SecretBootstrap {
    /// The file name of the generated development secret in `$DATA_DIR`.
    public static let fileName = "jwt-secret"
    /// Shortest accepted HS256 secret, bytes.
    public static let minimumSecretBytes = 32

    /// The signing algorithm and key the settings name; throws a ``ConfigurationError`` the gateway exits on.
    public static func algorithm(settings: Settings) throws -> JWTAuthority.Algorithm {
        switch settings.string("jwt.algorithm", default: "HS256").uppercased() {
        case "HS256":
            return .hs256(secret: try secret(settings: settings))
        case "EDDSA", "ED25519":
            let pem = try privateKeyPEM(settings: settings)
            do { return .eddsa(try EdDSA.PrivateKey(pem: pem)) } catch {
                throw ConfigurationError(message: "JWT_PRIVATE_KEY_FILE is not an Ed25519 private key in PEM form")
            }
        case "RS256":
            let pem = try privateKeyPEM(settings: settings)
            do { return .rs256(try Insecure.RSA.PrivateKey(pem: pem)) } catch {
                throw ConfigurationError(message: "JWT_PRIVATE_KEY_FILE is not an RSA private key (2048 bits or more) in PEM form")
            }
        case let other:
            throw ConfigurationError(message: "JWT_ALGORITHM must be HS256, EdDSA or RS256, got '\(other.prefix(20))'")
        }
    }

    /// The HS256 secret: `JWT_SECRET`, or in development the generated file.
    public static func secret(settings: Settings) throws -> [UInt8] {
        if let configured = settings.secret("jwt.secret") {
            guard configured.utf8.count >= minimumSecretBytes else {
                throw ConfigurationError(message: "JWT_SECRET must be at least \(minimumSecretBytes) bytes long")
            }
            return Array(configured.utf8)
        }
        if settings.isProduction {
            throw ConfigurationError(message: "ENVIRONMENT=production requires JWT_SECRET (at least \(minimumSecretBytes) bytes); refusing to start")
        }
        return try generatedSecret(directory: settings.dataDir)
    }

    /// Reads `directory/jwt-secret`, creating it (32 random bytes, base64, mode 0600) when absent.
    public static func generatedSecret(directory: String) throws -> [UInt8] {
        let path = (directory as NSString).appendingPathComponent(fileName)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var random = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in random.indices { random[index] = generator.next() }
        let text = Data(random).base64EncodedString() + "\n"
        // O_EXCL: exactly one process creates the file; a concurrent starter reads the winner's secret.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
            fsync(fd)
            close(fd)
            guard written == text.utf8.count else { throw ConfigurationError(message: "could not write \(path)") }
        } else if errno != EEXIST {
            throw ConfigurationError(message: "could not create \(path): \(String(cString: strerror(errno)))")
        }
        chmod(path, 0o600)
        guard let contents = FileManager.default.contents(atPath: path),
              let line = String(data: contents, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              line.utf8.count >= minimumSecretBytes else {
            throw ConfigurationError(message: "\(path) does not hold a secret of at least \(minimumSecretBytes) bytes")
        }
        return Array(line.utf8)
    }

    static func privateKeyPEM(settings: Settings) throws -> String {
        guard let path = settings.string("jwt.private.key.file") else {
            throw ConfigurationError(message: "JWT_ALGORITHM=\(settings.string("jwt.algorithm", default: "")) needs JWT_PRIVATE_KEY_FILE (a PEM private key)")
        }
        guard let data = FileManager.default.contents(atPath: path), let pem = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(message: "JWT_PRIVATE_KEY_FILE cannot be read")
        }
        return pem
    }
}
