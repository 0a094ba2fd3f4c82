// The ingestion engine. One producer walks the inputs in order and cuts them into line-aligned
// blocks (mmap'd text is sliced in place; gzip is inflated by isa-l into fresh buffers; JSON and
// CSV exports become one block of messages). Workers parse blocks in parallel; results are merged
// strictly in block order, which keeps output, first-N error lists and de-duplication
// deterministic whatever the thread count. At most a few blocks are in flight, so memory does not
// grow with input size.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "flowsleuth/cloudwatch.hpp"
#include "flowsleuth/gzip.hpp"
#include "flowsleuth/ingest.hpp"
#include "flowsleuth/line_parser.hpp"
#include "ingest/fingerprint.hpp"
#include "ingest/buffer_pool.hpp"
#include "ingest/layout_registry.hpp"
#include "ingest/line_ledger.hpp"
#include "ingest/newline_count.hpp"
#include "ingest/progress.hpp"

namespace flowsleuth {

bool ingest_report::has_fatal() const noexcept {
  return std::any_of(files.begin(), files.end(), [](const file_report& f) { return !f.fatal.empty(); });
}
bool ingest_report::has_unsupported() const noexcept {
  return std::any_of(files.begin(), files.end(), [](const file_report& f) { return f.unsupported; });
}

namespace {

// Keeps an mmap'd file (or any buffer) alive while blocks point into it.
struct mapped_file {
  const char* data = nullptr;
  std::size_t size = 0;
  ~mapped_file() {
    if (data) munmap(const_cast<char*>(data), size);
  }
};

struct block {
  std::uint32_t file = 0;
  std::size_t seq_in_file = 0;  // index among the file's text blocks (for the line ledger)
  std::uint64_t seq = 0;        // global merge order
  std::string_view data;
  std::shared_ptr<const void> owner;
  std::shared_ptr<const cw_messages> messages;  // set for JSON/CSV exports instead of data
  std::uint32_t start_layout = 0;
  bool first_in_file = false;
  bool last_in_file = false;
  std::uint64_t lines = 0;  // counted before parsing (text blocks)
};

struct block_result {
  block blk;
  std::unique_ptr<block_sink> sink;
  std::uint64_t records = 0, skipped = 0, filtered = 0, headers = 0, errors_dropped = 0;
  std::vector<line_problem> errors;
  std::uint32_t end_layout = 0;
  std::vector<std::uint64_t> fingerprints;  // one per record given to the sink, when de-duplicating
};

struct file_state {
  file_report report;
  detail::line_ledger ledger;
  std::uint32_t current_layout = 0;  // as of the last merged block
};

bool is_blank(std::string_view line) noexcept {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string_view first_token(std::string_view line) noexcept {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::size_t j = i;
  while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
  return line.substr(i, j - i);
}

class engine {
 public:
  engine(const input_list& inputs, const ingest_options& options, record_consumer& consumer)
      : inputs_(inputs), options_(options), consumer_(consumer) {
    threads_ = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    // Two blocks per thread and one more: on 10 M records three per thread (and two more) were no faster
    // for inspect (plain or gzip) or diagnose, and held ~25 MB more in blocks and their parsed records.
    max_inflight_ = threads_ * 2 + 1;
    dedup_ = inputs.files.size() > 1;
    initial_layout_ = registry_.intern(options.log_format ? *options.log_format : layout::v2_default());
    files_.reserve(inputs.files.size());
    for (const auto& f : inputs.files) {
      auto st = std::make_unique<file_state>();
      st->report.path = f.path;
      st->current_layout = initial_layout_;
      files_.push_back(std::move(st));
    }
    // Fingerprints can be forgotten once far behind in time only when files arrive in key order.
    evict_ = std::all_of(inputs.files.begin(), inputs.files.end(), [](const input_file& f) { return f.key_time; });
  }

  ingest_report run() {
    std::uint64_t total_bytes = 0;
    for (const auto& f : inputs_.files) {
      struct stat sb {};
      if (f.path != "-" && ::stat(f.path.c_str(), &sb) == 0) total_bytes += static_cast<std::uint64_t>(sb.st_size);
    }
    detail::progress_meter meter(options_.progress, total_bytes, bytes_in_, records_merged_);
    std::vector<std::thread> workers;
    // With more than one thread the producer is one of them: it parses a queued block whenever it
    // is as far ahead as it may be, instead of waiting. Gzip on 2 cores was 3 busy threads on 2
    // cores, the inflating thread — the one that sets the pace — getting only its share of them.
    producer_parses_ = threads_ > 1;
    for (unsigned i = producer_parses_ ? 1 : 0; i < threads_; ++i) workers.emplace_back([this] { work(); });
    for (std::uint32_t i = 0; i < files_.size(); ++i) produce_file(i);
    {
      std::lock_guard lock(queue_mutex_);
      closed_ = true;
    }
    queue_cv_.notify_all();
    if (producer_parses_) work();  // the blocks still queued
    for (auto& t : workers) t.join();
    meter.finish();

    ingest_report out;
    out.pruned_files = inputs_.pruned;
    out.input_problems = inputs_.problems;
    for (auto& f : files_) {
      auto& r = f->report;
      const layout& l = registry_.at(f->current_layout);
      r.origin = l.origin();
      r.version = l.version();
      r.fields = l.header_text();
      if (r.records == 0 && r.skipped > 0 && r.origin == layout_origin::v2_default && r.headers == 0) {
        r.notes.push_back(
            "no line fits the version-2 default format: if this flow log has a custom format, pass it with "
            "--log-format (aws ec2 describe-flow-logs shows it as LogFormat)");
      }
      out.records += r.records;
      out.skipped += r.skipped;
      out.duplicates += r.duplicates;
      out.filtered += r.filtered;
      out.bytes += r.bytes;
      out.files.push_back(std::move(r));
    }
    return out;
  }

 private:
  // ---- producer -------------------------------------------------------------------------------

  void push(block b) {
    std::unique_lock lock(queue_mutex_);
    b.seq = next_seq_++;
    while (b.seq >= merged_seq_ + max_inflight_) {
      if (producer_parses_ && !queue_.empty()) {
        block oldest = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        parse_block(std::move(oldest));
        lock.lock();
      } else {
        flow_cv_.wait(lock);
      }
    }
    queue_.push_back(std::move(b));
    lock.unlock();
    queue_cv_.notify_one();
  }

  void produce_file(std::uint32_t index) {
    file_state& fs = *files_[index];
    const bool is_stdin = fs.report.path == "-";
    if (is_stdin) fs.report.path = "(stdin)";
    const int fd = is_stdin ? 0 : ::open(fs.report.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      fs.report.fatal = fmt::format("cannot open: {}", std::strerror(errno));
      return;
    }
    struct stat sb {};
    if (!is_stdin && (::fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
      fs.report.fatal = "not a regular file";
      ::close(fd);
      return;
    }
    // Sniff the start: plain text streams through pooled buffers (bounded memory, no page-fault
    // storm); everything else needs the whole input and is mapped or read at once.
    std::string head(64 * 1024, '\0');
    head.resize(read_fully(fd, head.data(), head.size()));
    const bool whole = has_gzip_magic(head) || head.substr(0, 4) == "PAR1" || looks_like_cloudwatch_json(head) ||
                       looks_like_csv_export(head);
    if (!whole) {
      produce_stream(fd, index, std::move(head));
    } else if (is_stdin) {
      std::string all = std::move(head);
      char buf[1 << 16];
      std::size_t n;
      while ((n = read_fully(fd, buf, sizeof buf)) > 0) all.append(buf, n);
      auto owner = std::make_shared<std::string>(std::move(all));
      produce_buffer(index, std::string_view(*owner), owner);
    } else {
      auto mf = std::make_shared<mapped_file>();
      mf->size = static_cast<std::size_t>(sb.st_size);
      void* p = ::mmap(nullptr, mf->size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        fs.report.fatal = fmt::format("cannot read: {}", std::strerror(errno));
      } else {
        ::madvise(p, mf->size, MADV_SEQUENTIAL);
        mf->data = static_cast<const char*>(p);
        produce_buffer(index, std::string_view(mf->data, mf->size), mf);
      }
    }
    if (!is_stdin) ::close(fd);
  }

  static std::size_t read_fully(int fd, char* out, std::size_t cap) {
    std::size_t got = 0;
    while (got < cap) {
      const ssize_t n = ::read(fd, out + got, cap - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    return got;
  }

  void produce_stream(int fd, std::uint32_t index, std::string head) {
    file_report& r = files_[index]->report;
    if (head.empty()) {
      r.notes.push_back("empty file: no records");
      return;
    }
    std::size_t head_left = head.size();
    const std::uint64_t before = bytes_in_;
    stream_text(index, [&](char* out, std::size_t cap) {
      if (head_left > 0) {
        const std::size_t n = std::min(cap, head_left);
        std::memcpy(out, head.data() + (head.size() - head_left), n);
        head_left -= n;
        if (n == cap) return n;
        return n + read_fully(fd, out + n, cap - n);
      }
      return read_fully(fd, out, cap);
    });
    r.bytes = bytes_in_ - before;
  }

  void produce_buffer(std::uint32_t index, std::string_view data, std::shared_ptr<const void> owner) {
    file_report& r = files_[index]->report;
    r.bytes = data.size();
    if (data.empty()) {
      r.notes.push_back("empty file: no records");
      return;
    }
    if (data.substr(0, 4) == "PAR1") {
      r.unsupported = true;
      r.source = "parquet";
      r.fatal = "Parquet flow logs are not supported yet; download the plain-text (gzip) format instead";
      bytes_in_ += data.size();
      return;
    }
    if (has_gzip_magic(data)) {
      produce_gzip(index, data, std::move(owner));
      return;
    }
    if (looks_like_cloudwatch_json(data) || looks_like_csv_export(data)) {
      produce_messages(index, data, owner);
      bytes_in_ += data.size();
      return;
    }
    std::size_t pos = 0;
    stream_text(index, [&](char* out, std::size_t cap) {
      const std::size_t n = std::min(cap, data.size() - pos);
      std::memcpy(out, data.data() + pos, n);
      pos += n;
      return n;
    });
    (void)owner;
  }

  // S3 objects start with a header line: every block of the file starts in its layout, so no
  // block needs re-reading once the first is merged.
  std::uint32_t start_layout_of(std::string_view head) {
    const auto header = leading_header(head);
    return header ? registry_.intern(*header) : initial_layout_;
  }

  void produce_messages(std::uint32_t index, std::string_view data, const std::shared_ptr<const void>& owner) {
    file_report& r = files_[index]->report;
    auto msgs = std::make_shared<cw_messages>(looks_like_csv_export(data) ? read_csv_export(data)
                                                                         : read_cloudwatch_json(data));
    r.source = msgs->shape.empty() ? "cloudwatch-json" : msgs->shape;
    r.control_messages = msgs->control_messages;
    block b;
    b.file = index;
    b.data = data;
    b.owner = owner;  // messages may point into the input
    b.messages = std::move(msgs);
    b.start_layout = initial_layout_;
    b.first_in_file = b.last_in_file = true;
    push(std::move(b));
  }

  void produce_gzip(std::uint32_t index, std::string_view compressed, const std::shared_ptr<const void>&) {
    file_report& r = files_[index]->report;
    // Peek at the start to tell a JSON/CSV delivery from gzip'd text.
    {
      gzip_reader peek(compressed);
      std::string head(4096, '\0');
      head.resize(peek.read(head.data(), head.size()));
      if (looks_like_cloudwatch_json(head) || looks_like_csv_export(head)) {
        std::string err;
        auto text = std::make_shared<std::string>(gunzip_all(compressed, err));
        if (!err.empty()) r.fatal = fmt::format("{} (records before the damage were kept)", err);
        bytes_in_ += compressed.size();
        produce_messages(index, *text, text);
        return;
      }
    }
    r.source = "gzip-text";
    gzip_reader reader(compressed);
    std::uint64_t last_offset = 0;
    std::uint64_t released = 0;
    stream_text(index, [&](char* out, std::size_t cap) {
      const std::size_t n = reader.read(out, cap);
      const std::uint64_t off = reader.compressed_offset();
      // Count compressed bytes for progress; hand consumed input pages back every 64 MB so resident
      // memory does not grow with the file (rarely: each call interrupts the other threads).
      bytes_in_ += off - last_offset;
      last_offset = off;
      if (off - released >= (64u << 20)) {
        const std::uint64_t upto = off & ~std::uint64_t{0xfff};
        ::madvise(const_cast<char*>(compressed.data()) + released, upto - released, MADV_DONTNEED);
        released = upto;
      }
      return n;
    }, false);
    if (!reader.error().empty()) {
      r.fatal = fmt::format("{} (records before the damage were kept)", reader.error());
    }
  }

  // Cuts a byte stream into line-aligned blocks in pooled buffers. `read_more(out, cap)` fills up to
  // cap bytes and returns 0 at the end. A line longer than max_line_bytes keeps only its head (the
  // parser reports it); the rest up to its newline is dropped so memory stays bounded.
  template <class ReadMore>
  void stream_text(std::uint32_t index, ReadMore&& read_more, bool count_bytes = true) {
    std::string carry;
    std::size_t seq = 0;
    bool first = true;
    bool discarding = false;
    std::uint32_t start_layout = initial_layout_;
    while (true) {
      // One size for every block unless a carried line is longer than a record can be: a pooled
      // buffer asked for a few bytes more than it has is reallocated, and a fresh buffer's page
      // faults cost more than parsing its lines (they were ~8 % of `inspect`). The carried part
      // of a line counts in the block's size, so a default block is exactly two 2 MB pages.
      const std::size_t kept = carry.size();
      const std::size_t size = std::max(options_.block_bytes, kept + max_line_bytes + 1);
      auto buf = pool_.acquire(size);
      char* const base = buf->data.get();
      std::memcpy(base, carry.data(), kept);
      const std::size_t n = read_more(base + kept, std::min(options_.block_bytes, size - kept));
      if (count_bytes) bytes_in_ += n;
      std::size_t total = kept + n;
      carry.clear();
      if (discarding && n > 0) {
        const char* nl = static_cast<const char*>(std::memchr(base + kept, '\n', n));
        if (!nl) {
          carry.assign(base, kept);
          continue;
        }
        const std::size_t drop = static_cast<std::size_t>(nl - base) - kept;
        std::memmove(base + kept, base + kept + drop, total - kept - drop);
        total -= drop;
        discarding = false;
      }
      if (first && total > 0) start_layout = start_layout_of(std::string_view(base, std::min<std::size_t>(total, 64 * 1024)));
      if (n == 0) {
        if (total > 0 || !first) emit_block(index, seq, buf, std::string_view(base, total), first, true, start_layout);
        return;
      }
      const void* last_nl = memrchr(base, '\n', total);
      if (!last_nl) {
        if (total > max_line_bytes) {
          carry.assign(base, max_line_bytes + 1);
          discarding = true;
        } else {
          carry.assign(base, total);
        }
        continue;
      }
      const std::size_t cut = static_cast<std::size_t>(static_cast<const char*>(last_nl) - base) + 1;
      carry.assign(base + cut, total - cut);
      emit_block(index, seq, buf, std::string_view(base, cut), first, false, start_layout);
      first = false;
    }
  }

  void emit_block(std::uint32_t index, std::size_t& seq, std::shared_ptr<const void> owner, std::string_view data,
                  bool first, bool last, std::uint32_t start_layout) {
    block b;
    b.file = index;
    b.seq_in_file = seq++;
    b.data = data;
    b.owner = std::move(owner);
    b.start_layout = start_layout;
    b.first_in_file = first;
    b.last_in_file = last;
    push(std::move(b));
  }

  // ---- workers --------------------------------------------------------------------------------

  void work() {
    while (true) {
      block b;
      {
        std::unique_lock lock(queue_mutex_);
        queue_cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) return;
        b = std::move(queue_.front());
        queue_.pop_front();
      }
      parse_block(std::move(b));
    }
  }

  // Parses a block just taken from the queue (blocks are taken in order: see line_ledger.hpp).
  void parse_block(block b) {
    if (!b.messages) {
      std::uint64_t lines = detail::count_newlines(b.data);
      if (b.last_in_file && !b.data.empty() && b.data.back() != '\n') ++lines;
      files_[b.file]->ledger.publish(b.seq_in_file, lines);
      b.lines = lines;
    }
    block_result res = process(std::move(b), std::nullopt);
    finish(std::move(res));
  }

  // Parses one block. `layout_override` re-reads a block whose start layout turned out wrong.
  block_result process(block b, std::optional<std::uint32_t> layout_override) {
    block_result res;
    res.sink = consumer_.make_sink(dedup_);
    res.sink->expect(b.messages ? b.messages->messages.size() : b.lines);
    const std::uint32_t start = layout_override.value_or(b.start_layout);
    res.end_layout = start;
    const layout* current = &registry_.at(start);
    line_parser parser(*current);
    flow_record rec;
    line_error err;
    bool seen_content = !b.first_in_file;

    auto note_error = [&](std::uint64_t line, std::string field, std::string reason) {
      ++res.skipped;
      if (res.errors.size() < options_.max_errors_per_file) {
        res.errors.push_back({line, std::move(field), std::move(reason)});
      } else {
        ++res.errors_dropped;
      }
    };
    auto switch_layout = [&](std::string_view line) {
      const std::uint32_t idx = registry_.intern(layout_from_header(line));
      ++res.headers;
      if (idx != res.end_layout) {
        res.end_layout = idx;
        current = &registry_.at(idx);
        parser = line_parser(*current);
      }
    };
    // What follows a successful parse, whichever parser made the record.
    auto deliver = [&](std::uint64_t line_no, std::string_view eni_hint) {
      if (!eni_hint.empty() && !rec.has(field_id::interface_id)) {
        rec.text[static_cast<std::size_t>(field_id::interface_id)] = eni_hint;
        rec.present.set(static_cast<std::size_t>(field_id::interface_id));
      }
      if (options_.window.active()) {
        if (!rec.has(field_id::start) || !rec.has(field_id::end) ||
            !options_.window.admits(rec.start, rec.end)) {
          ++res.filtered;
          return;
        }
      }
      ++res.records;
      if (dedup_) res.fingerprints.push_back(detail::fingerprint(rec, *current));
      res.sink->on_record(rec, record_origin{b.file, line_no});
    };
    auto handle_line = [&](std::string_view line, std::uint64_t line_no, std::string_view eni_hint) {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (is_blank(line)) return;
      const bool first_content = !seen_content;
      seen_content = true;
      const char c0 = line[0];
      if (c0 >= 'a' && c0 <= 'z' && find_field(first_token(line)) && looks_like_header(line)) {
        switch_layout(line);
        return;
      }
      if (!parser.parse(line, rec, err)) {
        if (looks_like_header(line)) {
          switch_layout(line);
        } else if (first_content && looks_like_unknown_header(line)) {
          note_error(line_no, "(header)", "looks like a header line but names no known flow-log field");
        } else {
          note_error(line_no, std::move(err.field), std::move(err.reason));
        }
        return;
      }
      deliver(line_no, eni_hint);
    };

    if (b.messages) {
      for (const auto& e : b.messages->errors) note_error(e.line, e.field, e.reason);
      for (const auto& m : b.messages->messages) handle_line(m.text, m.line, m.eni);
      std::sort(res.errors.begin(), res.errors.end(),
                [](const line_problem& x, const line_problem& y) { return x.line < y.line; });
    } else {
      std::uint64_t line_no = files_[b.file]->ledger.base(b.seq_in_file);
      std::string_view rest = b.data;
      while (!rest.empty()) {
        if (const char* end = parser.parse_plain_default(rest, rec)) {
          ++line_no;
          seen_content = true;
          deliver(line_no, {});
          rest.remove_prefix(static_cast<std::size_t>(end - rest.data()) + 1);
          continue;
        }
        const void* nl = std::memchr(rest.data(), '\n', rest.size());
        const std::size_t len = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - rest.data()) : rest.size();
        ++line_no;
        handle_line(rest.substr(0, len), line_no, {});
        rest.remove_prefix(nl ? len + 1 : len);
      }
    }
    res.blk = std::move(b);
    return res;
  }

  // ---- ordered merge --------------------------------------------------------------------------

  void finish(block_result res) {
    std::unique_lock lock(merge_mutex_);
    const std::uint64_t seq = res.blk.seq;
    pending_.emplace(seq, std::move(res));
    if (merging_) return;  // the thread already merging will pick this one up
    merging_ = true;
    while (true) {
      auto it = pending_.find(next_merge_);
      if (it == pending_.end()) break;
      block_result ready = std::move(it->second);
      pending_.erase(it);
      lock.unlock();
      merge(std::move(ready));
      lock.lock();
      ++next_merge_;
      {
        std::lock_guard qlock(queue_mutex_);
        merged_seq_ = next_merge_;
      }
      flow_cv_.notify_all();
    }
    merging_ = false;
  }

  void merge(block_result res) {
    file_state& fs = *files_[res.blk.file];
    file_report& r = fs.report;
    if (res.blk.seq_in_file > 0 && !res.blk.messages && fs.current_layout != res.blk.start_layout) {
      // A header line in an earlier block changed the layout after this block was parsed.
      res = process(std::move(res.blk), fs.current_layout);
    }
    fs.current_layout = res.end_layout;
    r.skipped += res.skipped;
    r.filtered += res.filtered;
    r.headers += res.headers;
    for (auto& e : res.errors) {
      if (r.errors.size() < options_.max_errors_per_file) {
        r.errors.push_back(std::move(e));
      } else {
        ++r.errors_truncated;
      }
    }
    r.errors_truncated += res.errors_dropped;
    std::uint64_t dups = 0;
    if (dedup_) {
      for (std::size_t i = 0; i < res.fingerprints.size(); ++i) {
        const std::uint64_t fp = res.fingerprints[i];
        if (fp == 0) continue;
        auto [it, inserted] = seen_.try_emplace(fp, res.blk.file);
        if (!inserted && it->second != res.blk.file) {
          res.sink->retract(i);
          ++dups;
        }
      }
      // Only a few fingerprints per block are needed for eviction bookkeeping: the block's end time.
      if (evict_) forget_old(res);
    }
    r.duplicates += dups;
    r.records += res.records - dups;
    records_merged_ += res.records - dups;
    consumer_.merge(std::move(res.sink));
  }

  // With files in key-time order, a record more than an hour older than the newest file cannot
  // have a twin still to come: forget those fingerprints so memory follows live data, not input.
  void forget_old(const block_result& res) {
    const auto& key = inputs_.files[res.blk.file].key_time;
    if (!key) return;
    recent_.push_back({*key, {}});
    recent_.back().second.reserve(res.fingerprints.size());
    for (auto fp : res.fingerprints) {
      if (fp) recent_.back().second.push_back(fp);
    }
    while (!recent_.empty() && recent_.front().first < *key - 3600) {
      for (auto fp : recent_.front().second) seen_.erase(fp);
      recent_.pop_front();
    }
  }

  const input_list& inputs_;
  const ingest_options& options_;
  record_consumer& consumer_;
  unsigned threads_ = 1;
  bool producer_parses_ = false;
  std::uint64_t max_inflight_ = 4;
  bool dedup_ = false;
  bool evict_ = false;
  std::uint32_t initial_layout_ = 0;
  detail::layout_registry registry_;
  detail::buffer_pool pool_;  // outlives every block: workers are joined before the engine goes
  std::vector<std::unique_ptr<file_state>> files_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_, flow_cv_;
  std::deque<block> queue_;
  bool closed_ = false;
  std::uint64_t next_seq_ = 0;
  std::uint64_t merged_seq_ = 0;

  std::mutex merge_mutex_;
  std::map<std::uint64_t, block_result> pending_;
  std::uint64_t next_merge_ = 0;
  bool merging_ = false;
  std::unordered_map<std::uint64_t, std::uint32_t> seen_;
  std::deque<std::pair<std::int64_t, std::vector<std::uint64_t>>> recent_;

  std::atomic<std::uint64_t> bytes_in_{0};
  std::atomic<std::uint64_t> records_merged_{0};
};

}  // namespace

ingest_report ingest(const input_list& inputs, const ingest_options& options, record_consumer& consumer) {
  engine e(inputs, options, consumer);
  return e.run();
}

}  // namespace flowsleuth
