import Mustache

/// The console's mustache templates, parsed once from the copies compiled into the binary
/// (``EmbeddedTemplates``). Every `{{value}}` is HTML-escaped; no template uses `{{{ }}}`.
public struct ConsoleTemplates: Sendable {
    /// A template that does not parse: a bug in the committed templates, found at start-up.
    public struct ParseError: Error, CustomStringConvertible {
        /// The template's file name.
        public var file: String
        /// The parser's complaint.
        public var reason: String

        /// The file and the complaint, on one line.
        public var description: String { "template \(file): \(reason)" }
    }

    private let library: MustacheLibrary

    /// Parses every embedded template.
    public init() throws(ParseError) {
        var library = MustacheLibrary()
        for (file, text) in EmbeddedTemplates.files where file.hasSuffix(".mustache") {
            do {
                try library.register(text, named: String(file.dropLast(".mustache".count)))
            } catch {
                throw ParseError(file: file, reason: "\(error)")
            }
        }
        self.library = library
    }

    /// Renders `model` (a struct read through reflection) with the template `name` (`clusters`, `panel`…).
    public func render(_ model: Any, template name: String) -> String {
        library.render(model, withTemplate: name) ?? ""
    }

    /// A static file (`console.css`, `console.js`) by name, if embedded.
    public static func staticFile(_ name: String) -> String? {
        guard name.hasSuffix(".css") || name.hasSuffix(".js") else { return nil }
        return EmbeddedTemplates.files[name]
    }
}
