import Testing

@testable import MetaKernel

@Suite("cluster-tracing never logs a password")
struct TracingRedactionTests {
    @Test("the p query parameter is redacted; the rest of the URI is kept")
    func redacted() {
        #expect(
            ClusterTracingMiddleware<MetaRequestContext>.redacted("/status?u=bob&p=s3cret&x=1")
                == "/status?u=bob&p=[REDACTED]&x=1"
        )
        #expect(ClusterTracingMiddleware<MetaRequestContext>.redacted("/?index=3") == "/?index=3")
        #expect(ClusterTracingMiddleware<MetaRequestContext>.redacted("/peers") == "/peers")
    }
}
