#pragma once
// Where tests find their data: the project's fixtures and the shared public samples.
#include <string>

namespace flowsleuth::test {
inline std::string source_path(const std::string& rel) { return std::string(FLOWSLEUTH_SOURCE_DIR) + "/" + rel; }
inline std::string shared_path(const std::string& rel) { return std::string(FLOWSLEUTH_SHARED_DIR) + "/" + rel; }
}  // namespace flowsleuth::test
