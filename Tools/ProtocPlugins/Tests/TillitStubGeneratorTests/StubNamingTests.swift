import Testing

@testable import TillitStubGenerator

@Suite struct StubNamingTests {
    @Test(arguments: [
        ("Echo", "echo"),
        ("Check", "check"),
        ("CreateAppointment", "createAppointment"),
        ("GetSigningKeys", "getSigningKeys"),
        ("ListURLs", "listUrls"),
        ("get_thing", "getThing"),
    ])
    func methodNames(rpc: String, expected: String) {
        #expect(StubNaming.methodName(rpc: rpc) == expected)
    }

    @Test func keywordsAreEscaped() {
        #expect(StubNaming.escaped("default") == "`default`")
        #expect(StubNaming.escaped("import") == "`import`")
        #expect(StubNaming.escaped("return") == "`return`")
        #expect(StubNaming.escaped("echo") == "echo")
        #expect(StubNaming.escaped(StubNaming.methodName(rpc: "Default")) == "`default`")
    }

    @Test func outputFileNames() {
        let file = "tillit/testing/v1/echo.proto"
        #expect(
            StubNaming.outputFileName(protoFile: file, fileNaming: .fullPath)
                == "tillit/testing/v1/echo.tillit.swift")
        #expect(
            StubNaming.outputFileName(protoFile: file, fileNaming: .pathToUnderscores)
                == "tillit_testing_v1_echo.tillit.swift")
        #expect(StubNaming.outputFileName(protoFile: file, fileNaming: .dropPath) == "echo.tillit.swift")
    }

    @Test func registryFileNames() {
        #expect(
            StubNaming.registryFileName("TillitServiceRegistry") == "tillit_service_registry.tillit.swift")
        #expect(StubNaming.registryFileName("Registry") == "registry.tillit.swift")
    }
}
