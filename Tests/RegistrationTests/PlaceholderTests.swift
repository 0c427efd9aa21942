import Testing

@Suite struct RegistrationPlaceholderTests {
    @Test func placeholder() {}
}
