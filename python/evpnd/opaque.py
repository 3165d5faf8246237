# SPDX-License-Identifier: Apache-2.0
"""Opaque keys and values as bytes: route objects carry them as "key"/"value" or "key_hex"/"value_hex"."""

__all__ = ["key_bytes", "value_bytes", "bytes_field"]


def _bytes(route, name):
    s = route.get(name)
    if isinstance(s, str):
        return s.encode("utf-8")
    h = route.get(name + "_hex")
    if isinstance(h, str):
        return bytes.fromhex(h)
    return None


def key_bytes(route):
    """An opaque route's key as bytes (from "key", or "key_hex" when not UTF-8); None when it has neither."""
    return _bytes(route, "key")


def value_bytes(route):
    """An opaque route's value as bytes (from "value", or "value_hex" when not UTF-8); None when it has neither."""
    return _bytes(route, "value")


def bytes_field(name, v):
    """{name: text} when v (str or bytes) is UTF-8 without NUL, else {name + "_hex": lowercase hex}."""
    if isinstance(v, str):
        b = v.encode("utf-8")  # a lone surrogate: UnicodeEncodeError, a ValueError
    elif isinstance(v, (bytes, bytearray, memoryview)):
        b = bytes(v)
    else:
        raise TypeError(f"{name} must be str or bytes, not {type(v).__name__}")
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        return {name + "_hex": b.hex()}
    if "\0" in s:
        return {name + "_hex": b.hex()}
    return {name: s}
