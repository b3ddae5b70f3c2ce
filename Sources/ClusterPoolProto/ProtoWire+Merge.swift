/// Protobuf's rule for a singular embedded message that occurs more than once: the occurrences
/// are merged, as if their payloads had been sent as one (later scalars win, repeated fields
/// append, sub-messages merge in turn).
///
/// protobuf-c 1.4 merges such occurrences only in part: its `merge_messages` keeps earlier
/// strings, sub-messages and repeated elements but drops earlier proto3 scalars and enums
/// (`UpdateQueueRequest.spec` sent twice lost the first one's `run_concurrency`). So before
/// unpacking, a message in which the pre-scan saw such a duplicate is rewritten with each
/// duplicated field's payloads concatenated into one occurrence, which protobuf-c then reads
/// like any other message. Concatenation is exactly protobuf's merge, so the result is what
/// Python protobuf and every other implementation decode.
extension ProtoWire {
  /// `bytes` (already checked by ``scan(_:_:_:depth:)``) with every singular message field
  /// that occurs more than once in a message replaced by one occurrence, at the place of the
  /// last, whose payload is the concatenation of all of them, merged the same way in turn.
  static func mergingDuplicateMessages(_ bytes: UnsafeRawBufferPointer, _ table: ProtoTypeTable) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    merge([0..<bytes.count], of: bytes, table, into: &out)
    return out
  }

  /// The occurrences of one singular message field in one message.
  private struct Occurrences {
    var payloads: [Range<Int>] = []
    /// Index (among the message's fields) of the occurrence where the merged one is written.
    var last = 0
  }

  /// Writes the message whose encoding is the concatenation of `pieces` of `bytes` to `out`.
  private static func merge(
    _ pieces: [Range<Int>], of bytes: UnsafeRawBufferPointer, _ table: ProtoTypeTable, into out: inout [UInt8]
  ) {
    // First pass: where each singular message field occurs. A oneof member drops the merged
    // occurrences of the oneof's other members before it (the later member wins, as in protobuf).
    var bySlot: [Int: Occurrences] = [:]
    var index = 0
    forEachField(pieces, bytes) { span, _ in
      defer { index += 1 }
      guard let slot = table.slot(span.number) else { return }
      let field = table.fields[slot]
      if field.isOneof {
        for (other, _) in bySlot where other != slot && table.fields[other].quantifierOffset == field.quantifierOffset {
          bySlot[other] = nil
        }
      }
      guard field.kind == .message, !field.isRepeated, span.wireType == 2, table.child(slot) != nil else { return }
      bySlot[slot, default: Occurrences()].payloads.append(payloadRange(bytes, span))
      bySlot[slot]!.last = index
    }
    // Second pass: copy every field, each merged message once, at its last occurrence.
    index = 0
    forEachField(pieces, bytes) { span, fieldStart in
      defer { index += 1 }
      let tag = UnsafeRawBufferPointer(rebasing: bytes[fieldStart..<span.valueRange.lowerBound])
      guard span.wireType == 2, let slot = table.slot(span.number), let child = table.child(slot) else {
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[fieldStart..<span.valueRange.upperBound]))
        return
      }
      if table.fields[slot].isRepeated {
        out.append(contentsOf: tag)
        writeMessage([payloadRange(bytes, span)], of: bytes, child, into: &out)
      } else if let occurrences = bySlot[slot], occurrences.last == index {
        out.append(contentsOf: tag)
        writeMessage(occurrences.payloads, of: bytes, child, into: &out)
      }  // else an earlier occurrence, merged into the last one (or dropped for a later oneof member)
    }
  }

  /// Writes the length and the merged encoding of a sub-message made of `pieces`.
  private static func writeMessage(
    _ pieces: [Range<Int>], of bytes: UnsafeRawBufferPointer, _ table: ProtoTypeTable, into out: inout [UInt8]
  ) {
    if pieces.count == 1 && !table.fields.contains(where: { $0.kind == .message }) {
      // Nothing in it can need merging: copy as is.
      appendVarint(UInt64(pieces[0].count), to: &out)
      out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[pieces[0]]))
      return
    }
    // Room for the longest length a message under 4 GiB needs; shortened once it is known.
    let lengthAt = out.count
    out.append(contentsOf: [0, 0, 0, 0, 0])
    merge(pieces, of: bytes, table, into: &out)
    var length: [UInt8] = []
    appendVarint(UInt64(out.count - lengthAt - 5), to: &length)
    out.replaceSubrange(lengthAt..<(lengthAt + 5), with: length)
  }

  /// Calls `body` with each field of the concatenated `pieces` and the offset where its tag starts.
  private static func forEachField(
    _ pieces: [Range<Int>], _ bytes: UnsafeRawBufferPointer, _ body: (FieldSpan, Int) -> Void
  ) {
    for piece in pieces {
      var p = piece.lowerBound
      while p < piece.upperBound {
        let start = p
        // The scan accepted these bytes, so this cannot fail; stop at the piece if it does.
        guard let span = try? nextField(bytes, &p), p <= piece.upperBound else { break }
        body(span, start)
      }
    }
  }

  /// The range of a length-delimited field's payload (after its length).
  private static func payloadRange(_ bytes: UnsafeRawBufferPointer, _ span: FieldSpan) -> Range<Int> {
    var q = span.valueRange.lowerBound
    _ = try? readVarint(bytes, &q)
    return q..<span.valueRange.upperBound
  }
}
