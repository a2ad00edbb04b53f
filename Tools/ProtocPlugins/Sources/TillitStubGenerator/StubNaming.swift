import Foundation
import SwiftProtobufPluginLibrary

/// Naming rules of the generated stubs, kept apart from the printing so tests can pin them.
public enum StubNaming {
    /// Words that must be written in backticks when used as a method or property name.
    static let reservedWords: Set<String> =
        swiftKeywordsUsedInDeclarations
        .union(swiftKeywordsUsedInStatements)
        .union(swiftKeywordsUsedInExpressionsAndTypes)
        .union(["await", "async", "actor", "any", "some", "borrowing", "consuming", "consume", "copy"])

    /// Swift names that the generated code itself declares beside the method names.
    static let clashingMethodNames: Set<String> = ["all"]

    /// The Swift name of an rpc: its lowerCamelCase, without backticks (`GetSigningKeys` →
    /// `getSigningKeys`, `CreateAppointment` → `createAppointment`, `Default` → `default`).
    public static func methodName(rpc: String) -> String {
        NamingUtils.toLowerCamelCase(rpc)
    }

    /// `name`, in backticks when it is a Swift keyword (`default` → `` `default` ``).
    public static func escaped(_ name: String) -> String {
        reservedWords.contains(name) ? "`\(name)`" : name
    }

    /// The name of the generated file for `protoFile` (e.g. `tillit/testing/v1/echo.proto`),
    /// following protoc-gen-swift's `FileNaming` option: `FullPath` (default)
    /// `tillit/testing/v1/echo.tillit.swift`, `PathToUnderscores`
    /// `tillit_testing_v1_echo.tillit.swift`, `DropPath` `echo.tillit.swift`.
    public static func outputFileName(protoFile: String, fileNaming: FileNaming) -> String {
        var base = protoFile
        if base.hasSuffix(".proto") {
            base.removeLast(".proto".count)
        }
        switch fileNaming {
        case .fullPath:
            break
        case .pathToUnderscores:
            base = base.replacingOccurrences(of: "/", with: "_")
        case .dropPath:
            if let slash = base.lastIndex(of: "/") {
                base = String(base[base.index(after: slash)...])
            }
        }
        return base + ".tillit.swift"
    }

    /// The registry's file: `TillitServiceRegistry` → `tillit_service_registry.tillit.swift`.
    public static func registryFileName(_ typeName: String) -> String {
        var snake = ""
        for character in typeName {
            if character.isUppercase, !snake.isEmpty, snake.last != "_" { snake += "_" }
            snake += character.lowercased()
        }
        return snake + ".tillit.swift"
    }

    /// How output files are named; the same choices as protoc-gen-swift's `FileNaming`.
    public enum FileNaming: String, Sendable {
        case fullPath = "FullPath"
        case pathToUnderscores = "PathToUnderscores"
        case dropPath = "DropPath"
    }
}
