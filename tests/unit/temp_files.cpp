#include "temp_files.hpp"

#include <isa-l/igzip_lib.h>

#include <vector>

namespace flowsleuth::test {

std::string gzip_bytes(const std::string& plain) {
  isal_zstream stream;
  isal_deflate_init(&stream);
  std::vector<std::uint8_t> level_buf(ISAL_DEF_LVL1_DEFAULT);
  stream.level = 1;
  stream.level_buf = level_buf.data();
  stream.level_buf_size = static_cast<std::uint32_t>(level_buf.size());
  stream.gzip_flag = IGZIP_GZIP;
  stream.end_of_stream = 1;
  stream.flush = NO_FLUSH;
  std::string out(plain.size() + plain.size() / 2 + 1024, '\0');
  stream.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<std::uint32_t>(plain.size());
  stream.next_out = reinterpret_cast<std::uint8_t*>(out.data());
  stream.avail_out = static_cast<std::uint32_t>(out.size());
  isal_deflate_stateless(&stream);
  out.resize(stream.total_out);
  return out;
}

}  // namespace flowsleuth::test
