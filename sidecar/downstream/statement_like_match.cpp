// LikeMatches (statement_parser.h): MySQL's LIKE for SHOW ... LIKE — '%' any run, '_' one
// character, '\' escapes the next one; ASCII case-insensitive. Iterative, no allocation; linear
// in practice (one backtrack point: the last '%'). Stateless; thread-safe.
#include <cstddef>
#include <string_view>

#include "downstream/sql_cursor.h"
#include "downstream/statement_parser.h"

namespace sidecar::downstream {

bool LikeMatches(std::string_view pattern, std::string_view text) {
  // Iterative wildcard matching with one backtrack point for the last '%'.
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char want = pattern[p];
      size_t step = 1;
      bool any = want == '_';
      if (want == '\\' && p + 1 < pattern.size()) {
        want = pattern[p + 1];
        step = 2;
        any = false;
      }
      if (any || SqlCursor::Lower(want) == SqlCursor::Lower(text[t])) {
        p += step;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

}  // namespace sidecar::downstream
