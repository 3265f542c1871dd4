import Monitor
import ServiceKit

try await ServiceMain.run(.monitor) { setup in
    try await MonitorService.configure(&setup)
}
