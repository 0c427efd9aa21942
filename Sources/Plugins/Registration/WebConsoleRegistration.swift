import MetaKernel

/// Placeholder until the plugin lands (helper "reg").
struct WebConsoleRegistrationPlaceholder {}
