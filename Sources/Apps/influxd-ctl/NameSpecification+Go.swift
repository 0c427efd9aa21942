import ArgumentParser

extension NameSpecification {
    /// A multi-letter command flag as Go spells it, `-name`, and as ``CtlArguments`` hands it to
    /// ArgumentParser, `--name`; help lists both.
    static func go(_ name: String) -> NameSpecification {
        [.customLong(name, withSingleDash: true), .customLong(name)]
    }
}
