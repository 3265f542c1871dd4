import Market
import ServiceKit

try await ServiceMain.run(.market) { setup in
    try await MarketService.configure(&setup)
}
