import Logging
import Synchronization
import Testing

@testable import MetaKernel

@Suite("Log lines")
struct DeferredMetadataLogHandlerTests {
    /// Collects what a handler writes.
    final class Lines: TextOutputStream, Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        var all: [String] {
            // Without the timestamp, which is the first field.
            text.withLock { $0 }.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1)[1].description }
        }
    }

    struct Failure: Error {}

    /// Logs the same lines through `logger`: metadata set on it, per line, from a provider, and an error.
    func logLines(_ logger: Logger) {
        var logger = logger
        logger.info("plain")
        logger[metadataKey: "hb.request.id"] = "1f"
        logger[metadataKey: "shared"] = "from logger"
        logger.info("with logger metadata")
        logger.warning("explicit wins", metadata: ["shared": "from line", "extra": "1"])
        logger.debug("below the level")
        logger.error("failed", error: Failure())
    }

    @Test("the same lines as StreamLogHandler, metadata merged in the same order, at the same level")
    func sameAsStream() {
        let provider = Logger.MetadataProvider { ["provided": "p", "shared": "from provider"] }
        let streamLines = Lines()
        let deferredLines = Lines()
        for (lines, deferred) in [(streamLines, false), (deferredLines, true)] {
            var stream = StreamLogHandler(label: "meta", stream: lines, metadataProvider: provider)
            stream.logLevel = .info
            let logger =
                deferred
                ? Logger(label: "meta") { _ in DeferredMetadataLogHandler(stream) }
                : Logger(label: "meta") { _ in stream }
            logLines(logger)
        }
        #expect(deferredLines.all == streamLines.all)
        #expect(streamLines.all.count == 4)
        #expect(
            streamLines.all[1]
                == "info meta: hb.request.id=1f provided=p shared=from provider [MetaKernelTests] with logger metadata"
        )
    }
}
