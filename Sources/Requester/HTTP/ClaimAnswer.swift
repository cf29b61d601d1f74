import Foundation
import JobStore
import NIOCore
import PoolAPI

/// The body of a claim's answer (`[Assignment]`), written around each execution's stored
/// assignment instead of encoding it again.
///
/// An execution stores its ``Orchestrator/StepAssignment`` as the JSON the dispatcher encoded
/// with ``PoolAPI/PoolAPI/encoder``; re-encoding it for every claim (the recipe block's dag-cbor,
/// its base64, the JSON) was most of a claim's encoding work. The text goes out unchecked when
/// the claim route holds the assignment it was encoded from (``DemandCache``, for executions
/// queued by this process); an execution queued before a restart is decoded first (the route
/// needs the recipe's inputs to name providers), so such text that does not decode never goes
/// out. The envelope (execution, lease, providers) is encoded by the same encoder, so
/// the body decodes as `[Assignment]` exactly as an encoded one would.
enum ClaimAnswer {
    /// One claimed execution: its stored assignment text and the fields around it.
    struct Entry {
        var execution: String
        var leaseExpires: Date
        var providers: [String: [String]]
        /// The stored assignment JSON (``JobStore/ExecutionRecord/assignment``).
        var storedStep: String
    }

    private struct Envelope: Encodable {
        var execution: String
        var leaseExpires: Date
        var providers: [String: [String]]
    }

    /// The JSON array of `entries`, each `{…envelope…, "step": <stored text>}`.
    static func body(_ entries: [Entry]) throws -> ByteBuffer {
        let encoder = PoolAPI.encoder
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(ascii: "["))
        for (offset, entry) in entries.enumerated() {
            if offset > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            let envelope = try encoder.encode(Envelope(execution: entry.execution, leaseExpires: entry.leaseExpires, providers: entry.providers))
            // `{…}` without its closing brace, then the step.
            buffer.writeBytes(envelope.dropLast())
            buffer.writeString(#","step":"#)
            buffer.writeString(entry.storedStep)
            buffer.writeInteger(UInt8(ascii: "}"))
        }
        buffer.writeInteger(UInt8(ascii: "]"))
        return buffer
    }
}
