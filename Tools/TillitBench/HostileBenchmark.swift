import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import TillitContracts
import TillitRPC

/// `tillit-bench hostile`: the server's resident memory and a good client's latency while
/// hostile peers attack the RPC layer without a token (docs/security.md, "RPC layer limits").
struct HostileBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostile",
        abstract: "Server RSS and a good client's p50/p99 under hostile peers.",
        discussion: """
            Each attack gets a fresh Echo server in a child process (`serve`). The attackers connect \
            from 127.0.0.2 and the good client from 127.0.0.1, so the per-source connection cap \
            does not lock the good client out. Attacks: none (baseline), silent-calls (Echo calls \
            with 16 KiB of text and pings, never reading an answer), pings (pings only, never \
            reading), metadata (4 MiB frames of empty metadata entries), partial (connections that \
            each send all but the last byte of a 4 MiB frame), connections (as many connections as \
            --flood-connections). Example: swift run -c release tillit-bench hostile --seconds 10
            """)

    enum Attack: String, ExpressibleByArgument, CaseIterable, Sendable {
        case none
        case silentCalls = "silent-calls"
        case pings
        case metadata
        case partial
        case connections
    }

    @Option(help: "Attacks to run, one after the other (default: all).")
    var attack: [Attack] = Attack.allCases

    @Option(help: "Seconds the good client calls while under attack.")
    var seconds = 10.0

    @Option(help: "Attacking connections for silent-calls, pings and metadata.")
    var hostileConnections = 16

    @Option(help: "Connections holding a partial 4 MiB frame (partial).")
    var partialConnections = 64

    @Option(help: "Connections the connections attack opens.")
    var floodConnections = 1000

    @Flag(help: "Lift the server's RPCServerLimits (huge caps, 1 h frame timeout), for comparison.")
    var noLimits = false

    func run() async throws {
        print("server limits: \(noLimits ? "lifted (--no-limits)" : "defaults")")
        for attack in attack {
            let child = try BenchChild.start(arguments: noLimits ? ["--no-limits"] : [])
            defer { child.stop() }
            try await measure(attack, port: child.port, pid: child.pid)
        }
    }

    private static func rss(_ pid: Int32) -> Double { BenchChild.rssMiB(pid: pid) ?? .nan }

    private func measure(_ attack: Attack, port: Int, pid: Int32) async throws {
        try await Task.sleep(for: .milliseconds(500))
        let idle = Self.rss(pid)
        // Samples every 50 ms until cancelled; returns the highest.
        let sampler = Task {
            var peak = idle
            while !Task.isCancelled {
                peak = max(peak, Self.rss(pid))
                try? await Task.sleep(for: .milliseconds(50))
            }
            return peak
        }
        let attackers = Attackers(port: port)
        let sizes = Attackers.Sizes(
            hostile: hostileConnections, partial: partialConnections, flood: floodConnections)
        let attackTask = Task { await attackers.run(attack, sizes: sizes) }
        // Let the attack build up before the good client measures.
        try await Task.sleep(for: .seconds(1))
        let good = try await goodClient(port: port)
        let during = Self.rss(pid)
        let (written, open) = (attackers.written, attackers.openConnections)
        attackTask.cancel()
        attackers.closeAll()
        _ = await attackTask.value
        try await Task.sleep(for: .seconds(1))
        sampler.cancel()
        let peak = await sampler.value
        let after = Self.rss(pid)
        print(
            "\(attack.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0))"
                + String(
                    format: "RSS idle %.1f, peak %.1f, end of attack %.1f, after %.1f MiB",
                    idle, peak, during, after)
                + "  good client p50 \(good.stats.p50) µs p99 \(good.stats.p99) µs"
                + " (\(good.calls) calls, \(good.errors) errors)"
                + "  attacker: \(written / 1024 / 1024) MiB taken, \(open) connections still open"
                + " of \(attackers.opened)")
    }

    /// Sequential small Echo calls for `seconds`; each waits at most 5 s.
    private func goodClient(port: Int) async throws -> (stats: LatencyStats, calls: Int, errors: Int) {
        let rpc = RPCClient(host: "127.0.0.1", port: port)
        defer { rpc.close() }
        let client = Tillit_Testing_V1_Echo.Client(rpc)
        var request = Tillit_Testing_V1_EchoRequest()
        request.text = "hello, tillit"
        let options = CallOptions(timeout: .seconds(5))
        let clock = ContinuousClock()
        let end = clock.now + .milliseconds(Int(seconds * 1000))
        var latencies: [UInt64] = []
        var errors = 0
        while clock.now < end {
            let start = clock.now
            do {
                _ = try await client.echo(request, options: options)
                latencies.append(UInt64((clock.now - start).nanoseconds))
            } catch {
                if errors == 0 { print("good client's first error: \(error)") }
                errors += 1
            }
        }
        return (LatencyStats(latencies), latencies.count, errors)
    }
}

/// The attacking connections of one attack (from 127.0.0.2, never reading).
private final class Attackers: Sendable {
    let port: Int
    private let channels = Mutex<[any Channel]>([])
    private let writtenBytes = Atomic<Int>(0)
    private let openedCount = Atomic<Int>(0)

    init(port: Int) {
        self.port = port
    }

    var written: Int { writtenBytes.load(ordering: .relaxed) }
    var opened: Int { openedCount.load(ordering: .relaxed) }
    var openConnections: Int { channels.withLock { $0.filter(\.isActive).count } }

    func closeAll() {
        for channel in channels.withLock({ $0 }) { channel.close(promise: nil) }
    }

    private func connect() async throws -> any Channel {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.so_rcvbuf), value: 64 * 1024)
            .bind(to: try SocketAddress(ipAddress: "127.0.0.2", port: 0))
            .connect(host: "127.0.0.1", port: port).get()
        channels.withLock { $0.append(channel) }
        openedCount.add(1, ordering: .relaxed)
        return channel
    }

    /// How many connections each attack uses.
    struct Sizes: Sendable {
        let hostile: Int
        let partial: Int
        let flood: Int
    }

    func run(_ attack: HostileBenchmark.Attack, sizes: Sizes) async {
        switch attack {
        case .none:
            return
        case .silentCalls:
            await flood(sizes.hostile, batch: Batch.calls())
        case .pings:
            await flood(sizes.hostile, batch: Batch.pings())
        case .metadata:
            await flood(sizes.hostile, batch: Batch.emptyEntries())
        case .partial:
            var id: UInt64 = 0
            var whole = Batch.emptyEntries().numbered(from: &id)
            whole.moveWriterIndex(to: whole.writerIndex - 1)
            let frame = whole
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<sizes.partial {
                    group.addTask {
                        guard let channel = try? await self.connect() else { return }
                        try? await channel.writeAndFlush(frame)
                        self.writtenBytes.add(frame.readableBytes, ordering: .relaxed)
                    }
                }
            }
        case .connections:
            for _ in 0..<sizes.flood {
                guard !Task.isCancelled else { return }
                _ = try? await connect()
            }
        }
    }

    /// Each connection writes `batch` (with fresh call ids) again and again, as fast as the
    /// server reads it.
    private func flood(_ connections: Int, batch: Batch) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    guard let channel = try? await self.connect() else { return }
                    var nextID: UInt64 = 0
                    while !Task.isCancelled, channel.isActive {
                        let bytes = batch.numbered(from: &nextID)
                        guard (try? await channel.writeAndFlush(bytes)) != nil else { return }
                        self.writtenBytes.add(bytes.readableBytes, ordering: .relaxed)
                    }
                }
            }
        }
    }
}

/// Attack frames, encoded by hand (field numbers of tillit.rpc.v1.Frame). Every request ends with
/// its call id as a 5-byte varint, rewritten for each batch so that no id repeats in flight.
private struct Batch: Sendable {
    var buffer = ByteBuffer()
    /// Where each request's 5-byte call id starts.
    var callIDOffsets: [Int] = []

    /// The batch with call ids `id + 1`, `id + 2`, …; advances `id`.
    func numbered(from id: inout UInt64) -> ByteBuffer {
        var copy = buffer
        for offset in callIDOffsets {
            id += 1
            copy.setBytes(Self.paddedVarint(id), at: offset)
        }
        return copy
    }

    private static func paddedVarint(_ value: UInt64) -> [UInt8] {
        (0..<5).map { index in
            let bits = UInt8((value >> (7 * UInt64(index))) & 0x7F)
            return index < 4 ? bits | 0x80 : bits
        }
    }

    private static func varint(_ value: UInt64, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func lengthDelimited(_ field: UInt64, _ content: [UInt8], into bytes: inout [UInt8]) {
        varint(field << 3 | 2, into: &bytes)
        varint(UInt64(content.count), into: &bytes)
        bytes += content
    }

    /// Appends a frame whose body is `body` (then, for a request, its call id).
    private mutating func append(_ body: [UInt8], request: Bool) {
        buffer.writeInteger(UInt32(body.count + (request ? 6 : 0)))
        buffer.writeBytes(body)
        if request {
            buffer.writeInteger(UInt8(0x08))
            callIDOffsets.append(buffer.writerIndex)
            buffer.writeBytes(Self.paddedVarint(0))
        }
    }

    /// The body of an Echo REQUEST without its call id.
    private static func request(payload: [UInt8]) -> [UInt8] {
        var body: [UInt8] = [0x10, 0x01]  // kind REQUEST
        lengthDelimited(3, Array(Tillit_Testing_V1_Echo.Method.echo.path.utf8), into: &body)
        lengthDelimited(6, payload, into: &body)
        return body
    }

    private static let ping: [UInt8] = [0x08, 0x01, 0x10, 0x04]  // call id 1, kind PING

    /// 64 Echo calls with 16 KiB of text each, and 1,000 pings.
    static func calls() -> Batch {
        var text: [UInt8] = []
        lengthDelimited(1, Array(repeating: UInt8(ascii: "x"), count: 16 * 1024), into: &text)
        let call = request(payload: text)
        var batch = Batch()
        for _ in 1...64 { batch.append(call, request: true) }
        for _ in 1...1000 { batch.append(ping, request: false) }
        return batch
    }

    /// 64 KiB of pings.
    static func pings() -> Batch {
        var batch = Batch()
        while batch.buffer.readableBytes < 64 * 1024 { batch.append(ping, request: false) }
        return batch
    }

    /// One Echo REQUEST of just under 4 MiB, nearly all of it empty metadata entries.
    static func emptyEntries() -> Batch {
        var body = request(payload: [])
        let entries = (4 * 1024 * 1024 - body.count - 6) / 2
        body.reserveCapacity(body.count + 2 * entries)
        for _ in 0..<entries { body += [0x22, 0x00] }
        var batch = Batch()
        batch.append(body, request: true)
        return batch
    }
}
