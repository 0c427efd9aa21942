import Logging
import ServiceLifecycle

/// Runs the licensing plugin's monitor while the node runs, recording each state it reports in
/// the node's ``LicenseGate``. Stops at graceful shutdown; a monitor that returns early leaves
/// the last state in force.
struct LicenseMonitorService: Service {
    let licensing: any Licensing
    let gate: LicenseGate
    let logger: Logger

    func run() async throws {
        let gate = self.gate
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            await licensing.monitor { state in gate.update(state, logger: logger) }
        }
        if !Task.isCancelled && !Task.isShuttingDownGracefully {
            logger.warning("the \(licensing.mode) monitor stopped; the last license state stays in force until restart")
            try? await gracefulShutdown()
        }
    }
}
