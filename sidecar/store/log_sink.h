// LogSink: where the store reports what it did on its own initiative (what
// recovery cut, a rewound transaction). One sentence per call, no newline.
// The application's logger plugs in here; tests collect the lines. An empty
// sink drops them. Called from the thread doing the work.
#pragma once

#include <functional>
#include <string_view>

namespace sidecar::store {

using LogSink = std::function<void(std::string_view)>;

}  // namespace sidecar::store
