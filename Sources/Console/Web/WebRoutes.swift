import FoundationEssentials
public import Hummingbird
public import Logging

/// The web console's pages: the clusters list, a cluster's page with its live panel
/// (server-sent events), the actions with their confirmation step, the per-cluster login,
/// and `/start`, where an operator names a newly registered cluster.
public struct WebRoutes: Sendable {
    /// Names cluster `clusterID` in the registry (`/start`).
    public typealias Rename = @Sendable (_ clusterID: String, _ name: String) async throws -> Void

    let state: ConsoleState
    let connector: ClusterConnector
    let sessions: SessionStore
    let templates: ConsoleTemplates
    let rename: Rename
    /// Whether cookies carry `Secure` (the console serves HTTPS).
    let secureCookies: Bool
    let logger: Logger

    /// Pages over `state`; actions reach clusters through `connector`; `/start` names clusters through `rename`.
    public init(
        state: ConsoleState,
        connector: ClusterConnector,
        sessions: SessionStore,
        templates: ConsoleTemplates,
        secureCookies: Bool,
        logger: Logger,
        rename: @escaping Rename
    ) {
        self.state = state
        self.connector = connector
        self.sessions = sessions
        self.templates = templates
        self.secureCookies = secureCookies
        self.logger = logger
        self.rename = rename
    }

    /// Adds the pages to `router`.
    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/") { request, _ in
            let (_, cookie) = page(request)
            let list = PageModels.ClusterList(await state.clusters())
            return withCookie(WebResponse.html(templates.render(list, template: "clusters")), cookie)
        }
        router.get("/static/{file}") { _, context in
            let name = context.parameters.get("file") ?? ""
            guard let text = ConsoleTemplates.staticFile(name) else { return notFound("no file \(name)", back: "/") }
            return WebResponse.file(name, text)
        }
        router.get("/clusters/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            let (session, cookie) = page(request)
            guard let view = await state.cluster(id) else { return unknownCluster(id) }
            let model = PageModels.Cluster(view, csrf: session.csrf, user: session.logins[id]?.user)
            return withCookie(WebResponse.html(templates.render(model, template: "cluster")), cookie)
        }
        router.get("/clusters/{id}/events") { request, context in
            let id = context.parameters.get("id") ?? ""
            guard await state.cluster(id) != nil else { return unknownCluster(id) }
            let csrf = sessions.session(request.cookies[SessionStore.cookieName]?.value)?.csrf ?? ""
            return EventStream(state: state, templates: templates, clusterID: id, csrf: csrf).response()
        }
        router.get("/clusters/{id}/login") { request, context in
            let id = context.parameters.get("id") ?? ""
            let (session, cookie) = page(request)
            guard let view = await state.cluster(id) else { return unknownCluster(id) }
            let model = PageModels.Login(
                clusterID: id,
                clusterName: view.name,
                csrf: session.csrf,
                username: session.logins[id]?.user ?? ""
            )
            return withCookie(WebResponse.html(templates.render(model, template: "login")), cookie)
        }
        router.post("/clusters/{id}/login") { request, context in
            let id = context.parameters.get("id") ?? ""
            let form = await WebForm.read(request)
            guard let session = verified(request, form) else { return forbidden(back: "/clusters/\(id)/login") }
            guard let view = await state.cluster(id) else { return unknownCluster(id) }
            let username = form.username ?? ""
            let login = ClusterLogin(connector: connector)
            switch await login.verify(view, username: username, password: form.password ?? "") {
            case .success(let authorization):
                sessions.logIn(session.id, cluster: id, login: .init(user: username, authorization: authorization))
                logger.info("console login", metadata: ["cluster": "\(id)", "user": "\(username)"])
                return WebResponse.redirect("/clusters/\(id)")
            case .failure(let error):
                let model = PageModels.Login(
                    clusterID: id,
                    clusterName: view.name,
                    csrf: session.csrf,
                    username: username,
                    error: error.message
                )
                return WebResponse.html(templates.render(model, template: "login"), status: .unauthorized)
            }
        }
        router.post("/clusters/{id}/logout") { request, context in
            let id = context.parameters.get("id") ?? ""
            let form = await WebForm.read(request)
            guard let session = verified(request, form) else { return forbidden(back: "/clusters/\(id)") }
            sessions.logOut(session.id, cluster: id)
            return WebResponse.redirect("/clusters/\(id)")
        }
        router.post("/clusters/{id}/confirm") { request, context in
            let id = context.parameters.get("id") ?? ""
            let form = await WebForm.read(request)
            guard let session = verified(request, form) else { return forbidden(back: "/clusters/\(id)") }
            guard let view = await state.cluster(id) else { return unknownCluster(id) }
            switch ClusterAction.parse(action: form.action, name: form.name, address: form.address) {
            case .failure(let error):
                return clusterPage(view, session, message: .init(text: error.message, failed: true), .badRequest)
            case .success(let action):
                let fields = action.fields
                let model = PageModels.Confirm(
                    clusterID: id,
                    clusterName: view.name,
                    csrf: session.csrf,
                    action: action.name,
                    name: fields.name,
                    address: fields.address,
                    question: action.question,
                    verb: action.verb,
                    dangerous: action.dangerous
                )
                return WebResponse.html(templates.render(model, template: "confirm"))
            }
        }
        router.post("/clusters/{id}/actions") { request, context in
            let id = context.parameters.get("id") ?? ""
            let form = await WebForm.read(request)
            guard let session = verified(request, form) else { return forbidden(back: "/clusters/\(id)") }
            guard let view = await state.cluster(id) else { return unknownCluster(id) }
            let action: ClusterAction
            switch ClusterAction.parse(action: form.action, name: form.name, address: form.address) {
            case .failure(let error):
                return clusterPage(view, session, message: .init(text: error.message, failed: true), .badRequest)
            case .success(let parsed): action = parsed
            }
            let login = session.logins[id]
            let client = connector.client(scheme: view.scheme, authorization: login?.authorization)
            let outcome = await action.perform(with: client, addresses: ClusterLogin.addresses(of: view))
            logger.info(
                "console action",
                metadata: [
                    "cluster": "\(id)", "action": "\(action.name)", "user": "\(login?.user ?? "-")",
                    "outcome": "\(outcome)",
                ]
            )
            switch outcome {
            case .done(let text):
                return clusterPage(view, session, message: .init(text: text, failed: false), .ok)
            case .failed(let text):
                return clusterPage(view, session, message: .init(text: text, failed: true), .ok)
            case .needsLogin(let text):
                await state.modify(id) { $0.authRequired = true }
                sessions.logOut(session.id, cluster: id)
                let model = PageModels.Login(
                    clusterID: id,
                    clusterName: view.name,
                    csrf: session.csrf,
                    username: login?.user ?? "",
                    error: "Log in to this cluster to \(action.verb.lowercased()): \(text)"
                )
                return WebResponse.html(templates.render(model, template: "login"), status: .unauthorized)
            }
        }
        router.get("/start") { request, _ in
            let (session, cookie) = page(request)
            let query = request.uri.queryParameters
            guard let id = query.get("cluster_id"), !id.isEmpty, let product = query.get("product"), !product.isEmpty
            else {
                return failure("Missing parameters", "/start needs cluster_id and product", back: "/", .badRequest)
            }
            guard let view = await state.cluster(id) else { return unknownCluster(id) }
            let model = PageModels.Start(
                clusterID: id,
                product: product,
                name: view.name == view.id ? "" : view.name,
                csrf: session.csrf,
                redirectURL: query.get("redirect_url") ?? ""
            )
            return withCookie(WebResponse.html(templates.render(model, template: "start")), cookie)
        }
        router.post("/start") { request, _ in
            let form = await WebForm.read(request)
            guard let session = verified(request, form) else { return forbidden(back: "/") }
            let id = form.clusterID ?? ""
            guard await state.cluster(id) != nil else { return unknownCluster(id) }
            let name = WebForm.trimmed(form.name)
            var problem: String?
            if name.isEmpty || name.count > 100 {
                problem = "A name has 1 to 100 characters."
            } else {
                do {
                    try await rename(id, name)
                    await state.modify(id) { $0.name = name }
                    return WebResponse.redirect(Self.localPath(form.redirectURL) ?? "/clusters/\(id)")
                } catch {
                    problem = "The name was not saved: \(error)"
                }
            }
            let model = PageModels.Start(
                clusterID: id,
                product: form.product ?? "",
                name: name,
                csrf: session.csrf,
                redirectURL: form.redirectURL ?? "",
                error: problem
            )
            return WebResponse.html(templates.render(model, template: "start"), status: .badRequest)
        }
    }

    /// `path` when it is a path on this console (`/…`, not `//host`), so `redirect_url` cannot
    /// send an operator elsewhere.
    static func localPath(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"),
            path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        return path
    }

    /// The browser's session, started when it has none; the cookie to set when started.
    private func page(_ request: Request) -> (SessionStore.Session, Cookie?) {
        if let session = sessions.session(request.cookies[SessionStore.cookieName]?.value) { return (session, nil) }
        let session = sessions.start()
        let cookie = Cookie(
            name: SessionStore.cookieName,
            value: session.id,
            maxAge: Int(sessions.configuration.lifetime.components.seconds),
            path: "/",
            secure: secureCookies,
            httpOnly: true,
            sameSite: .strict
        )
        return (session, cookie)
    }

    /// The session a POST belongs to, when its form carries that session's token.
    private func verified(_ request: Request, _ form: WebForm) -> SessionStore.Session? {
        sessions.verify(request.cookies[SessionStore.cookieName]?.value, csrf: form.csrf)
    }

    private func withCookie(_ response: Response, _ cookie: Cookie?) -> Response {
        guard let cookie else { return response }
        var response = response
        response.setCookie(cookie)
        return response
    }

    private func clusterPage(
        _ view: ClusterView,
        _ session: SessionStore.Session,
        message: PageModels.Message,
        _ status: HTTPResponse.Status
    ) -> Response {
        let model = PageModels.Cluster(view, csrf: session.csrf, user: session.logins[view.id]?.user, message: message)
        return WebResponse.html(templates.render(model, template: "cluster"), status: status)
    }

    private func failure(_ title: String, _ message: String, back: String, _ status: HTTPResponse.Status) -> Response {
        let model = PageModels.Failure(title: title, message: message, back: back)
        return WebResponse.html(templates.render(model, template: "error"), status: status)
    }

    private func notFound(_ message: String, back: String) -> Response {
        failure("Not found", message, back: back, .notFound)
    }

    private func unknownCluster(_ id: String) -> Response {
        notFound("No cluster with id \(id) has registered with this console.", back: "/")
    }

    private func forbidden(back: String) -> Response {
        failure(
            "Form refused",
            "This form expired or did not come from this console's page (its token does not match your session). "
                + "Go back, reload the page and try again.",
            back: back,
            .forbidden
        )
    }
}
