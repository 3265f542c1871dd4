import NewsSentiment
import ServiceKit

try await ServiceMain.run(.newsSentiment) { setup in
    try await NewsSentimentService.configure(&setup)
}
