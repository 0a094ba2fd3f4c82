#pragma once
/// UTC time helpers: parsing the CLI's --since/--until and printing RFC 3339 times.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowsleuth {

/// Accepts Unix seconds ("1566848875"), RFC 3339 / ISO 8601 in UTC ("2019-08-26T19:47:55Z",
/// "2019-08-26T19:47Z", "2019-08-26 19:47:55", "2019-08-26"). Offsets other than Z are accepted as
/// "+HH:MM"/"-HH:MM". Returns nullopt for anything else.
std::optional<std::int64_t> parse_time(std::string_view text) noexcept;

/// "2019-08-26T19:47:55Z"
std::string format_iso(std::int64_t unix_seconds);
void append_iso(std::string& out, std::int64_t unix_seconds);

/// Days since 1970-01-01 for a civil date (proleptic Gregorian).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) noexcept;

}  // namespace flowsleuth
