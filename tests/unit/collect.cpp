#include "collect.hpp"

#include <variant>

namespace flowsleuth::test {

layout layout_from_names(const std::string& names) {
  std::string format;
  std::size_t i = 0;
  while (i < names.size()) {
    while (i < names.size() && std::isspace(static_cast<unsigned char>(names[i]))) ++i;
    std::size_t j = i;
    while (j < names.size() && !std::isspace(static_cast<unsigned char>(names[j]))) ++j;
    if (j > i) format += "${" + names.substr(i, j - i) + "} ";
    i = j;
  }
  return std::get<layout>(parse_format_string(format));
}

}  // namespace flowsleuth::test
