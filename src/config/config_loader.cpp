// Finds configuration files, reads each with the reader its content calls for, and merges them into
// one topology. Directory contents are read in name order so that "later wins" is reproducible.

#include "flowsleuth/config_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <iterator>
#include <system_error>

#include "config/config_sink.hpp"
#include "config/describe_json.hpp"
#include "config/topology_yaml.hpp"

namespace flowsleuth {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool is_config_file(const fs::path& p) {
  const auto ext = lower_extension(p);
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

void read_content(config_load_result& out, const std::string& name, std::string_view content) {
  detail::config_sink sink(out, name);
  if (content.starts_with("\xff\xfe") || content.starts_with("\xfe\xff")) {
    // What Windows PowerShell 5 writes for `aws … > file`.
    sink.fatal("", "the file is UTF-16: save it as UTF-8 (in PowerShell: | Out-File -Encoding utf8)");
    return;
  }
  if (content.starts_with("\xef\xbb\xbf")) content.remove_prefix(3);
  const auto ext = lower_extension(name);
  bool json = ext == ".json";
  if (ext != ".json" && ext != ".yaml" && ext != ".yml") {
    // A file named on the command line may have any name: its first character decides.
    const auto first = content.find_first_not_of(" \t\r\n");
    json = first != std::string_view::npos && (content[first] == '{' || content[first] == '[');
  }
  if (json) detail::read_describe_json(content, sink);
  else detail::read_topology_yaml(content, sink);
}

void read_file(config_load_result& out, const fs::path& path) {
  const std::string name = path.string();
  out.files.push_back(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.problems.push_back(config_problem{name, "", "cannot be read", true});
    return;
  }
  const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  read_content(out, name, content);
}

/// An ENI written by hand may name only its subnet, which another file may define.
void fill_derived(topology& topo) {
  for (auto& [id, eni] : topo.enis) {
    if (!eni.vpc_id.empty()) continue;
    if (const auto s = topo.subnets.find(eni.subnet_id); s != topo.subnets.end()) eni.vpc_id = s->second.vpc_id;
  }
}

}  // namespace

std::string config_problem::to_string() const {
  return path.empty() ? fmt::format("{}: {}", file, message) : fmt::format("{}:{}: {}", file, path, message);
}

config_load_result load_config(const std::vector<std::string>& paths) {
  config_load_result out;
  std::set<fs::path> seen;
  const auto once = [&](const fs::path& p) {
    std::error_code ec;
    auto canonical = fs::weakly_canonical(p, ec);
    return seen.insert(ec ? p : canonical).second;
  };
  for (const auto& arg : paths) {
    const fs::path path(arg);
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      out.problems.push_back(config_problem{arg, "", "no such file or directory", true});
      continue;
    }
    if (!fs::is_directory(status)) {
      if (once(path)) read_file(out, path);
      continue;
    }
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && is_config_file(it->path())) files.push_back(it->path());
    }
    if (ec) out.problems.push_back(config_problem{arg, "", fmt::format("cannot list: {}", ec.message()), true});
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      if (once(f)) read_file(out, f);
    }
  }
  fill_derived(out.topo);
  return out;
}

config_load_result load_config_text(const std::string& name, std::string_view content) {
  config_load_result out;
  out.files.push_back(name);
  read_content(out, name, content);
  fill_derived(out.topo);
  return out;
}

}  // namespace flowsleuth
