// Every test target that imports TillitTesting also gets the process helpers the integration
// runner shares (child processes, the test PKI, relays, built executables), without Swift Testing.
@_exported import TillitHarnessKit
