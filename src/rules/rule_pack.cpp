// Loading a rule pack: files from directories, in a deterministic order, through the three stages,
// then the overrides that make `--rules DIR` work.

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "flowsleuth/rule.hpp"
#include "rules/diagnostic_sink.hpp"

namespace flowsleuth {
namespace {

namespace fs = std::filesystem;

bool is_rule_file(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

bool is_hidden(const fs::path& p) {
  const auto name = p.filename().string();
  return name.size() > 1 && name[0] == '.' && name != "..";
}

// Rule files under `dir`, sorted by path so load order (and thus diagnostics) never depends on the
// file system. Hidden files and folders (editor swap files, .git) are skipped.
std::vector<std::string> rule_files(const fs::path& dir, std::error_code& ec) {
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (is_hidden(it->path())) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && is_rule_file(it->path())) files.push_back(it->path().generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The id as written, whether or not the rest of the rule is valid: check_rule_set() reports a
// duplicate against the first use even when that rule is broken, so the loader must skip the same ones.
std::string written_id(const rule_spec& spec) {
  if (!spec.root || spec.root->type != spec_node::kind::mapping) return {};
  const auto* id = spec.root->find("id");
  return id && id->type == spec_node::kind::scalar ? id->text : std::string();
}

// Validates specs that form one directory and folds the valid rules into `by_id`.
void add_specs(std::vector<rule_spec>& specs, const rule_load_options& options, rule_pack& pack,
               std::map<std::string, rule, std::less<>>& by_id) {
  check_rule_set(specs, pack.diagnostics);
  std::set<std::string, std::less<>> taken_here;
  for (const auto& spec : specs) {
    auto r = validate_rule(spec, options, pack.diagnostics);
    const auto id = written_id(spec);
    const bool duplicate = !id.empty() && !taken_here.insert(id).second;  // reported by check_rule_set
    if (!r || duplicate) continue;
    if (auto it = by_id.find(r->id); it != by_id.end()) {
      pack.overrides.push_back({r->id, it->second.file, r->file, false});
      it->second = std::move(*r);
    } else {
      by_id.emplace(id, std::move(*r));
    }
  }
}

void apply_replaces(rule_pack& pack, std::map<std::string, rule, std::less<>>& by_id) {
  std::map<std::string, const rule*, std::less<>> replaced_by;
  for (const auto& [id, r] : by_id) {
    if (!r.replaces.empty()) replaced_by.emplace(r.replaces, &r);
  }
  std::vector<std::string> dropped;
  for (const auto& [old_id, by] : replaced_by) {
    if (auto it = by_id.find(old_id); it != by_id.end()) {
      pack.overrides.push_back({old_id, it->second.file, by->file, true});
      dropped.push_back(old_id);
    }
  }
  for (const auto& id : dropped) by_id.erase(id);
}

// Problems grouped by file in load order, then by position: what a reader expects, whatever order
// the checks found them in. `load_order` names every file and directory in the order it was visited.
void order_diagnostics(std::vector<diagnostic>& list, const std::vector<std::string>& load_order) {
  std::map<std::string, std::size_t, std::less<>> rank;
  for (const auto& name : load_order) rank.try_emplace(name, rank.size());
  for (const auto& d : list) rank.try_emplace(d.file, rank.size());
  std::stable_sort(list.begin(), list.end(), [&](const diagnostic& a, const diagnostic& b) {
    const auto ra = rank.find(a.file)->second, rb = rank.find(b.file)->second;
    if (ra != rb) return ra < rb;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
}

rule_pack finish(rule_pack pack, std::map<std::string, rule, std::less<>>& by_id,
                 const std::vector<std::string>& load_order) {
  apply_replaces(pack, by_id);
  for (auto& [id, r] : by_id) pack.rules.push_back(std::move(r));
  order_diagnostics(pack.diagnostics, load_order);
  return pack;
}

void report_path(rule_pack& pack, const std::string& path, diag_code code, std::string message) {
  static const std::vector<std::string> no_lines;
  detail::diagnostic_sink(path, no_lines, pack.diagnostics).report(code, {}, std::move(message));
}

}  // namespace

rule_pack load_rule_pack(const std::vector<std::string>& dirs, const rule_load_options& options) {
  rule_pack pack;
  std::map<std::string, rule, std::less<>> by_id;
  std::vector<std::string> load_order;
  for (const auto& dir : dirs) {
    load_order.push_back(dir);
    std::error_code ec;
    std::vector<std::string> files;
    if (fs::is_directory(dir, ec)) {
      files = rule_files(dir, ec);
      if (ec) {
        report_path(pack, dir, diag_code::io_error, fmt::format("cannot list: {}", ec.message()));
        continue;
      }
      if (files.empty()) {
        report_path(pack, dir, diag_code::no_rules, "no *.yaml or *.yml rule file in this directory");
        continue;
      }
    } else if (fs::exists(dir, ec)) {
      files.push_back(dir);
    } else {
      report_path(pack, dir, diag_code::io_error, "no such file or directory");
      continue;
    }
    std::vector<rule_spec> specs;
    specs.reserve(files.size());
    for (const auto& file : files) {
      load_order.push_back(file);
      specs.push_back(read_rule_file(file, pack.diagnostics));
    }
    pack.files += files.size();
    add_specs(specs, options, pack, by_id);
  }
  return finish(std::move(pack), by_id, load_order);
}

rule_pack load_rule_text(std::string file, std::string_view text, const rule_load_options& options) {
  rule_pack pack;
  std::map<std::string, rule, std::less<>> by_id;
  std::vector<rule_spec> specs;
  specs.push_back(read_rule_text(std::move(file), text, pack.diagnostics));
  pack.files = 1;
  add_specs(specs, options, pack, by_id);
  return finish(std::move(pack), by_id, {});
}

}  // namespace flowsleuth
