import Defi
import ServiceKit

try await ServiceMain.run(.defi) { setup in
    try await DefiService.configure(&setup)
}
