/// The models the page templates render; every field is text or a flag ready to print.
enum PageModels {
    /// `clusters.mustache`: one row per registered cluster.
    struct ClusterList: Sendable {
        struct Row: Sendable {
            var id: String
            var name: String
            var leader: String
            var metaNodeCount: Int
            var dataNodeCount: Int
            var license: String
            var health: String

            init(_ view: ClusterView) {
                id = view.id
                name = view.name
                leader = view.leader ?? "none"
                metaNodeCount = view.metaNodes.count
                dataNodeCount = view.dataNodes.count
                license = ClusterPanel.describe(view.license)
                health = view.currentHealth.rawValue
            }
        }

        var clusters: [Row]
        var hasClusters: Bool

        init(_ views: [ClusterView]) {
            clusters = views.map(Row.init)
            hasClusters = !clusters.isEmpty
        }
    }

    /// The outcome of an action, shown above the panel.
    struct Message: Sendable {
        var text: String
        var failed: Bool
    }

    /// `cluster.mustache`.
    struct Cluster: Sendable {
        var id: String
        var name: String
        var scheme: String
        /// Whether the cluster still goes by its id (the page offers to name it).
        var unnamed: Bool
        var csrf: String
        /// The cluster user this browser is logged in as, if any.
        var user: String?
        var authRequired: Bool
        var message: Message?
        var panel: ClusterPanel

        init(_ view: ClusterView, csrf: String, user: String?, message: Message? = nil) {
            id = view.id
            name = view.name
            scheme = view.scheme
            unnamed = view.name == view.id
            self.csrf = csrf
            self.user = user
            authRequired = view.authRequired
            self.message = message
            panel = ClusterPanel(view, csrf: csrf)
        }
    }

    /// `confirm.mustache`: the step between an action's form and the call to the cluster.
    struct Confirm: Sendable {
        var clusterID: String
        var clusterName: String
        var csrf: String
        var action: String
        var name: String
        var address: String
        var question: String
        var verb: String
        var dangerous: Bool
    }

    /// `login.mustache`.
    struct Login: Sendable {
        var clusterID: String
        var clusterName: String
        var csrf: String
        var username: String
        var error: String?
    }

    /// `start.mustache`: names a newly registered cluster.
    struct Start: Sendable {
        var clusterID: String
        var product: String
        var name: String
        var csrf: String
        /// Where to go once named (a path on this console), from the link's `redirect_url`.
        var redirectURL: String
        var error: String?
    }

    /// `error.mustache`.
    struct Failure: Sendable {
        var title: String
        var message: String
        var back: String
    }
}
