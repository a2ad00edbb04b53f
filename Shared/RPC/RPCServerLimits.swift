/// What an `RPCServer` accepts from a peer before any token is checked: metadata, method paths,
/// the time a frame may take to arrive, how many connections may be open and how many bytes of
/// incomplete frames all of them may hold.
///
/// Every limit is checked on the frame's wire bytes before they are decoded (see
/// `FrameInspector`), or on the accepted socket before any handler (or TLS handshake) runs, so
/// exceeding one costs the server no more than reading the bytes. docs/security.md ("RPC layer
/// limits") lists them with their defaults and environment variables.
public struct RPCServerLimits: Sendable, Hashable {
    /// Metadata entries per frame; more get `RESOURCE_EXHAUSTED` (the connection stays). Also
    /// caps the details of a frame's status.
    public var maximumMetadataEntries: Int
    /// Bytes of one metadata key (UTF-8); longer gets `RESOURCE_EXHAUSTED`.
    public var maximumMetadataKeyLength: Int
    /// Bytes of one metadata value (UTF-8); longer gets `RESOURCE_EXHAUSTED`.
    public var maximumMetadataValueLength: Int
    /// Bytes of all metadata entries of a frame as encoded (keys, values and about 4 bytes of
    /// field tags per entry); more gets `RESOURCE_EXHAUSTED`.
    public var maximumMetadataSize: Int
    /// Bytes of a method path; a longer one names no method and gets `UNIMPLEMENTED`.
    public var maximumMethodPathLength: Int
    /// How long a frame may take from its first byte to its last; a frame still incomplete then
    /// gets `GOAWAY` `DEADLINE_EXCEEDED` and the connection is closed.
    public var frameReadTimeout: Duration
    /// Connections open at once on the server; one more is closed as soon as it is accepted.
    public var maximumConnections: Int
    /// Connections open at once from one source IP address; one more is closed as soon as it is
    /// accepted.
    public var maximumConnectionsPerSource: Int
    /// Bytes of incomplete frames (frames whose first bytes have arrived but not their last)
    /// buffered by all of the server's connections together. A connection whose bytes would
    /// exceed it gets `GOAWAY` `RESOURCE_EXHAUSTED` and is closed; its bytes count until then.
    /// Keep it at least `RPCServerConfiguration.maximumFrameSize`, or a frame of that size that
    /// arrives in more than one read is always refused.
    public var maximumPartialFrameBytes: Int

    /// Defaults: 64 metadata entries, 128-byte keys, 8 KiB values, 16 KiB of metadata per frame,
    /// 256-byte method paths, 10 s per frame, 4,096 connections, 256 per source address, 64 MiB
    /// of incomplete frames.
    public init(
        maximumMetadataEntries: Int = 64,
        maximumMetadataKeyLength: Int = 128,
        maximumMetadataValueLength: Int = 8 * 1024,
        maximumMetadataSize: Int = 16 * 1024,
        maximumMethodPathLength: Int = 256,
        frameReadTimeout: Duration = .seconds(10),
        maximumConnections: Int = 4096,
        maximumConnectionsPerSource: Int = 256,
        maximumPartialFrameBytes: Int = 64 * 1024 * 1024
    ) {
        self.maximumMetadataEntries = maximumMetadataEntries
        self.maximumMetadataKeyLength = maximumMetadataKeyLength
        self.maximumMetadataValueLength = maximumMetadataValueLength
        self.maximumMetadataSize = maximumMetadataSize
        self.maximumMethodPathLength = maximumMethodPathLength
        self.frameReadTimeout = frameReadTimeout
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerSource = maximumConnectionsPerSource
        self.maximumPartialFrameBytes = maximumPartialFrameBytes
    }
}
