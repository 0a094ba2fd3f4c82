#include <cstdio>

#include "cli/cli_common.hpp"

namespace flowsleuth::cli {

int run_records(int argc, char** argv) {
  reading_options o;
  std::string output = "ndjson";
  po::options_description desc("records options");
  desc.add_options()("output,o", po::value(&output)->value_name("ndjson|csv"),
                     "ndjson (default; one JSON object per record, keyed by AWS field names) or csv");
  add_reading_options(desc, o);
  po::variables_map vm;
  const std::string usage =
      "usage: flowsleuth records [options] INPUT...\n\n"
      "Prints every record, normalized, in input order: all present fields, plus file, line and\n"
      "start-iso/end-iso (UTC). Fields that are '-' are left out. Malformed lines go to stderr.";
  const std::string examples =
      "examples:\n"
      "  flowsleuth records flows.log.gz | jq 'select(.action == \"REJECT\")'\n"
      "  flowsleuth records --output csv --since 2024-05-01T14:00Z --until 2024-05-01T14:30Z logs/ > window.csv\n";
  if (!parse_command_line(argc, argv, desc, usage, examples, vm)) return exit_ok;
  if (vm.count("input")) o.inputs = vm["input"].as<std::vector<std::string>>();
  records_format format;
  if (output == "ndjson") {
    format = records_format::ndjson;
  } else if (output == "csv") {
    format = records_format::csv;
  } else {
    throw usage_error("--output must be ndjson or csv");
  }
  auto prepared = prepare(o);
  std::vector<std::string> paths;
  for (const auto& f : prepared.inputs.files) paths.push_back(f.path == "-" ? "(stdin)" : f.path);
  std::vector<layout> layouts;
  if (format == records_format::csv) layouts = peek_layouts(prepared.inputs, prepared.options);
  ingest_report report;
  {
    records_writer writer(stdout, format, std::move(paths), layouts);
    report = ingest(prepared.inputs, prepared.options, writer);
  }
  report_problems(report, o);
  return ingest_exit_code(report, o);
}

}  // namespace flowsleuth::cli
