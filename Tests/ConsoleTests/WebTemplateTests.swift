import Foundation
import Testing

@testable import Console

@Suite("web console pages")
struct WebTemplateTests {
    let templates: ConsoleTemplates

    init() throws { templates = try ConsoleTemplates() }

    /// The folder of the template files (this file is Tests/ConsoleTests/…).
    static var templatesFolder: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Sources/Console/Templates").path
    }

    @Test("the embedded templates are the template files (run scripts/embed-templates.sh after editing one)")
    func embeddedMatchesFiles() throws {
        let folder = Self.templatesFolder
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            $0.hasSuffix(".mustache") || $0.hasSuffix(".css") || $0.hasSuffix(".js")
        }
        #expect(Set(files) == Set(EmbeddedTemplates.files.keys))
        for file in files {
            let text = try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
            #expect(EmbeddedTemplates.files[file] == text, "\(file) differs from its embedded copy")
        }
    }

    @Test("the clusters list shows name, id, leader, node counts, license days left and health")
    func clustersList() {
        let html = templates.render(PageModels.ClusterList([WebFixtures.cluster()]), template: "clusters")
        #expect(html.contains(#"<a data-testid="cluster-link" href="/clusters/4242">production</a>"#))
        #expect(html.contains("10.0.0.2:8091"))
        #expect(html.contains(#"<td class="num">3</td>"#))
        #expect(html.contains(#"<td class="num">1</td>"#))
        #expect(html.contains("valid · license-key · 12 days left"))
        #expect(html.contains(#"<span class="badge degraded">degraded</span>"#))
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains(#"<link rel="stylesheet" href="/static/console.css">"#))
    }

    @Test("an empty console says how to register")
    func emptyList() {
        let html = templates.render(PageModels.ClusterList([]), template: "clusters")
        #expect(html.contains("No cluster has registered yet"))
        #expect(!html.contains("cluster-link"))
    }

    @Test("the cluster page marks the leader's row and shows the leader, license, databases and 60 health cells")
    func clusterPage() {
        let html = templates.render(
            PageModels.Cluster(WebFixtures.cluster(), csrf: "tok", user: nil),
            template: "cluster"
        )
        let rows = html.components(separatedBy: #"data-testid="meta-node""#).dropFirst()
        #expect(rows.count == 3)
        let leaders = rows.filter { $0.hasPrefix(#" data-leader="true""#) }
        #expect(leaders.count == 1)
        #expect(leaders.first?.contains("10.0.0.2:8091") == true)
        #expect(html.contains(#"<dd class="mono" data-testid="leader">10.0.0.2:8091</dd>"#))
        #expect(html.contains(#"<dd data-testid="license">valid · license-key · 12 days left</dd>"#))
        #expect(html.components(separatedBy: #"<li class="cell "#).count - 1 == 60)
        #expect(html.components(separatedBy: #"<li class="cell degraded""#).count - 1 == 1)
        #expect(html.contains(#"data-testid="databases""#))
        #expect(html.contains(#"<span class="mono">telegraf</span>"#))
        #expect(html.contains(#"data-testid="create-database""#))
        #expect(html.contains(#"<input type="hidden" name="csrf" value="tok">"#))
        #expect(html.contains(#"data-testid="live""#))
        #expect(html.contains(#"<script src="/static/console.js"></script>"#))
        #expect(html.contains("1.11.8-c1.11.8"))
        #expect(!html.contains("Name this cluster"))
        let unnamed = templates.render(
            PageModels.Cluster(WebFixtures.cluster(name: "4242"), csrf: "tok", user: nil),
            template: "cluster"
        )
        #expect(unnamed.contains(#"<a href="/start?cluster_id=4242&amp;product=influxd-meta">Name this cluster</a>"#))
    }

    @Test("a hostile cluster name, database name or poll error is escaped everywhere")
    func escaping() {
        let hostile = #"<script>alert("x")</script>&'"#
        var view = WebFixtures.cluster(name: hostile)
        view.databases = [hostile]
        view.pollError = hostile
        let pages = [
            templates.render(PageModels.ClusterList([view]), template: "clusters"),
            templates.render(PageModels.Cluster(view, csrf: "t", user: hostile), template: "cluster"),
            templates.render(
                PageModels.Login(
                    clusterID: view.id,
                    clusterName: hostile,
                    csrf: "t",
                    username: hostile,
                    error: hostile
                ),
                template: "login"
            ),
            templates.render(
                PageModels.Start(clusterID: hostile, product: hostile, name: hostile, csrf: "t", redirectURL: hostile),
                template: "start"
            ),
            templates.render(PageModels.Failure(title: hostile, message: hostile, back: "/"), template: "error"),
        ]
        for html in pages {
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        }
    }

    @Test("the confirmation page carries the action, its target and the form token to /actions")
    func confirmPage() throws {
        let action = try ClusterAction.parse(action: "drop-database", name: "metrics", address: nil).get()
        let model = PageModels.Confirm(
            clusterID: "4242",
            clusterName: "production",
            csrf: "tok",
            action: action.name,
            name: action.fields.name,
            address: action.fields.address,
            question: action.question,
            verb: action.verb,
            dangerous: action.dangerous
        )
        let html = templates.render(model, template: "confirm")
        #expect(html.contains(#"<form method="post" action="/clusters/4242/actions">"#))
        #expect(html.contains(#"<input type="hidden" name="action" value="drop-database">"#))
        #expect(html.contains(#"<input type="hidden" name="name" value="metrics">"#))
        #expect(html.contains(#"<button type="submit" class="danger" data-testid="confirm">Drop database</button>"#))
        #expect(html.contains("Drop database &quot;metrics&quot; and all its data?"))
    }

    @Test("the panel without a license, leader or data nodes says so")
    func sparsePanel() {
        let view = ClusterView(id: "9", firstSeen: Date(timeIntervalSince1970: 0))
        let html = templates.render(ClusterPanel(view, csrf: "t"), template: "panel")
        #expect(html.contains(#"data-testid="leader">none</dd>"#))
        #expect(html.contains(#"data-testid="license">not reported</dd>"#))
        #expect(html.contains("No data node has joined."))
        #expect(html.contains("No databases."))
        #expect(html.contains(#"data-testid="last-poll">not yet</dd>"#))
    }
}

@Suite("web console actions")
struct WebClusterActionTests {
    @Test("each action sends what influxd-ctl sends; an unreachable node's row offers a forced removal")
    func requests() throws {
        let cases: [(String, String?, String?, String, String)] = [
            ("create-database", "db0", nil, "/execute", #"{"name":"db0","type":"create-database"}"#),
            ("drop-database", "db0", nil, "/execute", #"{"name":"db0","type":"drop-database"}"#),
            ("add-meta", nil, "h:8091", "/add-meta", #"{"addr":"h:8091"}"#),
            ("remove-meta", nil, "h:8091", "/remove", #"{"force":false,"httpAddr":"h:8091"}"#),
            ("force-remove-meta", nil, "h:8091", "/remove", #"{"force":true,"httpAddr":"h:8091"}"#),
        ]
        for (name, database, address, path, body) in cases {
            let action = try ClusterAction.parse(action: name, name: database, address: address).get()
            #expect(action.name == name)
            #expect(action.request.path == path)
            let sent = try JSONSerialization.jsonObject(with: Data(action.request.body)) as? NSDictionary
            let expected = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? NSDictionary
            #expect(sent == expected, "\(name)")
        }
        #expect(throws: FormError.self) {
            try ClusterAction.parse(action: "add-meta", name: nil, address: "nohost").get()
        }
        #expect(throws: FormError.self) {
            try ClusterAction.parse(action: "create-database", name: " ", address: nil).get()
        }
        #expect(throws: FormError.self) { try ClusterAction.parse(action: "shutdown", name: "x", address: nil).get() }

        let html = try ConsoleTemplates().render(ClusterPanel(WebFixtures.cluster(), csrf: "t"), template: "panel")
        #expect(html.components(separatedBy: #"value="force-remove-meta""#).count - 1 == 1)
        #expect(html.components(separatedBy: #"value="remove-meta""#).count - 1 == 2)
    }
}
