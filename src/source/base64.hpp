#pragma once
/// Base64 (RFC 4648 standard alphabet) decoding for CloudWatch Logs subscription data, which arrives
/// base64-encoded in Lambda events and in raw Kinesis/Firehose record dumps.

#include <string>
#include <string_view>

namespace flowsleuth::detail {

/// Decodes `in` into `out` (replacing its contents). Whitespace and line breaks anywhere are ignored
/// because tools wrap base64 at 64 or 76 columns; missing '=' padding is accepted. Returns false on a
/// character outside the alphabet, on data after padding, or on a dangling 6-bit group; `out` then
/// holds whatever decoded before the problem.
bool base64_decode(std::string_view in, std::string& out);

}  // namespace flowsleuth::detail
