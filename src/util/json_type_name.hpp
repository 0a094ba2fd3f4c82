#pragma once
// How a JSON value's type reads in an error message ("expected an array, found a string"), for every
// reader of JSON input (CloudWatch exports, describe-* output).

#include <simdjson.h>

namespace flowsleuth::detail {

inline const char* json_type_name(simdjson::dom::element_type type) noexcept {
  using t = simdjson::dom::element_type;
  switch (type) {
    case t::ARRAY: return "an array";
    case t::OBJECT: return "an object";
    case t::STRING: return "a string";
    case t::BOOL: return "a boolean";
    case t::NULL_VALUE: return "null";
    case t::DOUBLE: return "a fractional number";
    default: return "an integer";
  }
}

}  // namespace flowsleuth::detail
