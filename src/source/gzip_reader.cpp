#include "flowsleuth/gzip.hpp"

#include <isa-l/igzip_lib.h>

#include <cstring>
#include <fmt/format.h>

namespace flowsleuth {

struct gzip_reader::state {
  inflate_state inflater{};
};

gzip_reader::gzip_reader(std::string_view compressed) : st_(std::make_unique<state>()), input_(compressed) {
  isal_inflate_init(&st_->inflater);
  st_->inflater.crc_flag = ISAL_GZIP;
  st_->inflater.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(input_.data()));
  // isa-l counts input in 32 bits: feed large files in slices (see read()).
  st_->inflater.avail_in = 0;
}

gzip_reader::~gzip_reader() = default;

std::uint64_t gzip_reader::compressed_offset() const noexcept {
  return static_cast<std::uint64_t>(reinterpret_cast<const char*>(st_->inflater.next_in) - input_.data());
}

std::size_t gzip_reader::read(char* out, std::size_t cap) {
  if (done_ || cap == 0) return 0;
  auto& s = st_->inflater;
  std::size_t produced = 0;
  while (produced < cap) {
    const std::uint64_t consumed = compressed_offset();
    if (s.avail_in == 0 && consumed < input_.size()) {
      s.avail_in = static_cast<std::uint32_t>(std::min<std::uint64_t>(input_.size() - consumed, 1u << 30));
    }
    if (s.block_state == ISAL_BLOCK_FINISH) {
      // End of one gzip member: another may follow (multi-member files). Skip zero padding.
      std::uint64_t at = compressed_offset();
      while (at < input_.size() && input_[at] == '\0') ++at;
      if (at >= input_.size()) {
        done_ = true;
        break;
      }
      if (!has_gzip_magic(input_.substr(at))) {
        error_ = fmt::format("trailing garbage after gzip data at byte {}", at);
        done_ = true;
        break;
      }
      isal_inflate_reset(&s);
      s.crc_flag = ISAL_GZIP;
      s.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(input_.data() + at));
      s.avail_in = static_cast<std::uint32_t>(std::min<std::uint64_t>(input_.size() - at, 1u << 30));
    }
    s.next_out = reinterpret_cast<std::uint8_t*>(out + produced);
    s.avail_out = static_cast<std::uint32_t>(std::min<std::size_t>(cap - produced, 1u << 30));
    const std::uint32_t before = s.avail_out;
    const int rc = isal_inflate(&s);
    produced += before - s.avail_out;
    if (rc < 0) {
      switch (rc) {
        case ISAL_INVALID_WRAPPER: error_ = "not gzip data (bad header)"; break;
        case ISAL_INCORRECT_CHECKSUM: error_ = "gzip checksum mismatch (corrupt data)"; break;
        case ISAL_UNSUPPORTED_METHOD: error_ = "unsupported gzip compression method"; break;
        default: error_ = fmt::format("corrupt gzip data (isa-l error {})", rc); break;
      }
      done_ = true;
      break;
    }
    if (s.block_state == ISAL_BLOCK_FINISH) continue;
    if (s.avail_in == 0 && compressed_offset() >= input_.size() && before == s.avail_out) {
      error_ = "truncated gzip data (the file ends inside a compressed block)";
      done_ = true;
      break;
    }
  }
  return produced;
}

std::string gunzip_all(std::string_view compressed, std::string& error) {
  gzip_reader reader(compressed);
  std::string out;
  std::size_t chunk = std::max<std::size_t>(compressed.size() * 4, 1 << 16);
  while (true) {
    const std::size_t old = out.size();
    out.resize(old + chunk);
    const std::size_t n = reader.read(out.data() + old, chunk);
    out.resize(old + n);
    if (n == 0) break;
  }
  error = reader.error();
  return out;
}

}  // namespace flowsleuth
