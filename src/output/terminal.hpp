#pragma once
// ANSI styling that disappears when colour is off.

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "util/human_size.hpp"

namespace flowsleuth::detail {

class painter {
 public:
  explicit painter(bool on) : on_(on) {}
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string red(std::string_view s) const { return wrap("31", s); }
  std::string yellow(std::string_view s) const { return wrap("33", s); }
  std::string green(std::string_view s) const { return wrap("32", s); }
  std::string dim(std::string_view s) const { return wrap("2", s); }

 private:
  std::string wrap(std::string_view code, std::string_view s) const {
    if (!on_) return std::string(s);
    return fmt::format("\033[{}m{}\033[0m", code, s);
  }
  bool on_;
};

}  // namespace flowsleuth::detail
