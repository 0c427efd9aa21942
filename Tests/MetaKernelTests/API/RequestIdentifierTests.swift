import Testing

@testable import MetaKernel

@Suite("Request-Id")
struct RequestIdentifierTests {
    func hasShape(_ id: String) -> Bool {
        id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil
    }

    @Test("the bits are laid out as a UUID's, with version 4 and the RFC variant whatever the random bits")
    func layout() {
        #expect(RequestIdentifier.make(high: 0, low: 0) == "00000000-0000-4000-8000-000000000000")
        #expect(RequestIdentifier.make(high: .max, low: .max) == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        #expect(
            RequestIdentifier.make(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
                == "01234567-89ab-4def-bedc-ba9876543210"
        )
    }

    @Test("fresh identifiers have the shape and do not repeat")
    func fresh() {
        let made = (0..<1000).map { _ in RequestIdentifier.make() }
        #expect(made.allSatisfy(hasShape))
        #expect(Set(made).count == made.count)
    }
}
