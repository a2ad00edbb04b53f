// protoc plugin: typed Tillit RPC stubs for the `service` blocks of .proto files.
// Invoked by protoc as `--plugin=protoc-gen-tillit=... --tillit_out=DIR`; see docs/codegen.md.
import SwiftProtobufPluginLibrary
import TillitStubGenerator

TillitStubCodeGenerator().main(nil)
