"""Protobuf wire bytes by hand, for requests that generated classes cannot or will not write
(undefined enum numbers in raw form, a sub-message sent twice, huge repeated fields)."""


def varint(n: int) -> bytes:
    """`n` as a base-128 varint (negative numbers as their 64-bit two's complement)."""
    n &= 2**64 - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def len_field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (string, bytes or sub-message) `number` holding `payload`."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload
