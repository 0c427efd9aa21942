import Foundation
import Logging
import MetaKernel
import TestSupport
import Testing

/// `LicenseGate.checkDataNodes`: the entitlement check that `add-data` calls.
@Suite("license entitlements")
struct LicenseEntitlementTests {
    let logger = Logger(label: "license") { _ in SwiftLogNoOpLogHandler() }

    func gate(_ status: LicenseState.Status, machines: Int? = 4, cores: Int? = 8) -> LicenseGate {
        let gate = LicenseGate(mode: "license-path")
        let expiry = Date(timeIntervalSinceNow: 90 * 86_400)
        gate.update(
            LicenseState(status: status, expiresAt: expiry, maxDataNodes: machines, maxCoresPerDataNode: cores),
            logger: logger
        )
        return gate
    }

    @Test("a valid license allows data nodes up to its entitlements")
    func validWithinLimits() {
        #expect(gate(.valid).checkDataNodes(count: 4, cores: 8) == nil)
        #expect(gate(.valid, machines: nil, cores: nil).checkDataNodes(count: 100, cores: 256) == nil)
    }

    @Test("more data nodes than influx_machines are refused, naming the entitlement and the license")
    func overMachines() {
        let refusal = gate(.valid).checkDataNodes(count: 5, cores: 8)
        #expect(
            refusal
                == "data node refused: 5 data nodes exceed the license's influx_machines entitlement of 4 (license-path); remove a data node or get a license for more"
        )
    }

    @Test("more cores than influx_cores are refused, naming the entitlement and the license")
    func overCores() {
        let refusal = gate(.valid).checkDataNodes(count: 1, cores: 9)
        #expect(
            refusal
                == "data node refused: 9 cores exceed the license's influx_cores entitlement of 8 per data node (license-path); use a smaller node or get a license for more cores"
        )
    }

    @Test("a node that checks no license allows any data node")
    func noLicensing() {
        #expect(LicenseGate(mode: "none").checkDataNodes(count: 1_000, cores: 1_000) == nil)
    }

    @Test("a grace period allows data nodes within the cached entitlements")
    func grace() {
        let grace = gate(.grace(until: Date(timeIntervalSinceNow: 3_600)))
        #expect(grace.checkDataNodes(count: 2, cores: 4) == nil)
        #expect(grace.checkDataNodes(count: 5, cores: 4) != nil)
    }

    @Test("an invalid license refuses any data node with its reason")
    func invalid() {
        let refusal = gate(.invalid(reason: "the license expired")).checkDataNodes(count: 1, cores: 1)
        #expect(
            refusal
                == "data node refused: the license (license-path) is not valid (the license expired); renew it and reload the node"
        )
    }

    @Test("the report shows mode, status, expiry, days left and entitlements; none without licensing")
    func report() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let gate = LicenseGate(mode: "license-path")
        gate.update(
            LicenseState(
                status: .valid,
                expiresAt: now.addingTimeInterval(10 * 86_400 + 60),
                maxDataNodes: 4,
                maxCoresPerDataNode: 8
            ),
            logger: logger
        )
        let report = gate.report(now: now)
        #expect(report?.mode == "license-path")
        #expect(report?.status == "valid")
        #expect(report?.daysLeft == 10)
        #expect(report?.expiresAt == now.addingTimeInterval(10 * 86_400 + 60).formatted(.iso8601))
        #expect(report?.entitlements == .init(dataNodes: 4, coresPerDataNode: 8))
        #expect(LicenseGate(mode: "none").report() == nil)
        #expect(DebugVars(gate: LicenseGate(mode: "none")).entitlements.licenseType == "none")
        #expect(DebugVars(gate: gate).entitlements.licenseExpiry == report?.expiresAt)
    }
}
