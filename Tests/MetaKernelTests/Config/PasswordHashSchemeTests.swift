import Testing

@testable import MetaKernel

@Suite("PasswordHashScheme")
struct PasswordHashSchemeTests {
    @Test("parses schemes with defaults and parameters")
    func parses() throws {
        #expect(try PasswordHashScheme(parsing: "bcrypt") == PasswordHashScheme(algorithm: .bcrypt))
        #expect(try PasswordHashScheme(parsing: "bcrypt").cost == 10)
        #expect(try PasswordHashScheme(parsing: "bcrypt;cost=4").cost == 4)
        #expect(try PasswordHashScheme(parsing: "bcrypt;cost=31").cost == 31)
        let pbkdf2 = try PasswordHashScheme(parsing: "pbkdf2-sha512;rounds=1000;salt_len=32")
        #expect(pbkdf2 == PasswordHashScheme(algorithm: .pbkdf2SHA512, rounds: 1000, saltLength: 32))
        let defaults = try PasswordHashScheme(parsing: "pbkdf2-sha256")
        #expect(defaults.rounds == 29_000 && defaults.saltLength == 16)
    }

    @Test(
        "rejects unknown schemes and bad parameters",
        arguments: [
            (
                "md5",
                #"use bcrypt, pbkdf2-sha256 or pbkdf2-sha512, optionally with parameters such as "bcrypt;cost=12" or "pbkdf2-sha256;rounds=29000;salt_len=16""#
            ),
            (
                "",
                #"use bcrypt, pbkdf2-sha256 or pbkdf2-sha512, optionally with parameters such as "bcrypt;cost=12" or "pbkdf2-sha256;rounds=29000;salt_len=16""#
            ),
            ("bcrypt;cost=3", "bcrypt cost must be 4-31"),
            ("bcrypt;cost=32", "bcrypt cost must be 4-31"),
            ("bcrypt;rounds=5", #"bcrypt takes only "cost" as "key=value""#),
            ("bcrypt;", #"bcrypt takes only "cost" as "key=value""#),
            ("bcrypt;cost", #"bcrypt takes only "cost" as "key=value""#),
            ("pbkdf2-sha256;cost=5", #"pbkdf2-sha256 takes only "rounds" and "salt_len" as "key=value""#),
            ("bcrypt;cost=10;cost=11", "cost is given twice"),
            ("bcrypt;cost=x", "cost must be a whole number"),
            ("pbkdf2-sha256;rounds=0", "rounds must be at least 1"),
            ("pbkdf2-sha256;salt_len=0", "salt_len must be at least 1"),
        ]
    )
    func rejects(text: String, reason: String) {
        let error = #expect(throws: ConfigError.self) { try PasswordHashScheme(parsing: text) }
        #expect(error?.message == "invalid value \(ConfigText.quoted(text)) (\(reason))")
    }
}
