import Store
import ServiceKit

try await ServiceMain.run(.store) { setup in
    try await StoreService.configure(&setup)
}
