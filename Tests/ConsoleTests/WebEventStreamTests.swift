import Foundation
import Hummingbird
import Logging
import TestSupport
import Testing

@testable import Console

@Suite("web console live updates")
struct WebEventStreamTests {
    /// Reads from `socket` until the text read contains `needle`; everything read so far.
    static func read(_ socket: BlockingSocket, into text: inout String, until needle: String) throws {
        while !text.contains(needle) {
            text += String(decoding: try socket.receive(1), as: UTF8.self)
        }
    }

    @Test("the events stream sends the panel at once and again when the cluster's view changes")
    func panelOnChange() async throws {
        let state = ConsoleState()
        await state.update(WebFixtures.cluster())
        await state.update(WebFixtures.cluster(id: "other"))
        let router = Router()
        WebRoutes(
            state: state,
            connector: try ClusterConnector(configuration: .init()),
            sessions: SessionStore(),
            templates: try ConsoleTemplates(),
            secureCookies: false,
            logger: Logger(label: "web-test")
        ) { _, _ in }
        .add(to: router)
        try await Application(router: router).testOverSockets { client in
            let port = try #require(client.port)
            let (socket, head) = try await onOwnThread { () throws -> (BlockingSocket, String) in
                let socket = try BlockingSocket(port: port, timeoutSeconds: 10)
                try socket.send(Array("GET /clusters/4242/events HTTP/1.1\r\nHost: console\r\n\r\n".utf8))
                var text = ""
                try WebEventStreamTests.read(socket, into: &text, until: #"data: <section class="summary">"#)
                try WebEventStreamTests.read(socket, into: &text, until: #"data-testid="leader">10.0.0.2:8091</dd>"#)
                return (socket, text)
            }
            // Another cluster's change sends nothing on this stream; this cluster's does.
            var other = WebFixtures.cluster(id: "other")
            other.leader = "10.9.9.9:8091"
            await state.update(other)
            var view = WebFixtures.cluster()
            view.leader = "10.0.0.3:8091"
            for index in view.metaNodes.indices { view.metaNodes[index].isLeader = view.metaNodes[index].id == 3 }
            await state.update(view)
            let later = try await onOwnThread { () throws -> String in
                var rest = ""
                try WebEventStreamTests.read(socket, into: &rest, until: #"data-testid="leader">10.0.0.3:8091</dd>"#)
                return rest
            }
            #expect(head.lowercased().contains("content-type: text/event-stream"))
            #expect(head.contains("retry: 1000"))
            #expect(head.contains("event: panel\ndata: "))
            #expect(!later.contains("10.9.9.9:8091"))
            #expect(later.contains("event: panel\n"))
        }
    }

    @Test("an event frames each line of HTML as a data line and ends with a blank line")
    func framing() {
        #expect(EventStream.frame(event: "panel", "<a>\r\n<b>") == "event: panel\ndata: <a>\ndata: <b>\n\n")
        #expect(
            EventStream.frame(event: "panel", "a\revent: x\nb") == "event: panel\ndata: a\ndata: event: x\ndata: b\n\n"
        )
    }
}
