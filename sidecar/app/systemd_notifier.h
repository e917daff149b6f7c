// SystemdNotifier: the service manager's side of `Type=notify` (sd_notify(3)).
//
//   Ready(status)   READY=1 with a STATUS= line: once recovery is done and the ports listen
//   Status(line)    STATUS=line, sent only when it differs from the last one sent
//   Stopping()      STOPPING=1 when a clean shutdown begins
//   WatchdogIfDue() WATCHDOG=1 when half of WatchdogSec passed since the last one
// Without NOTIFY_SOCKET (not started by systemd) every call is a no-op; with it, a failed
// send is ignored (the service manager's problem, never the daemon's).
//
// Thread-safety: one owner thread (the daemon's main loop).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sidecar::app {

class SystemdNotifier {
 public:
  using Clock = std::chrono::steady_clock;

  SystemdNotifier();  // reads WATCHDOG_USEC / WATCHDOG_PID (sd_watchdog_enabled)

  void Ready(std::string_view status);
  void Status(std::string_view line);
  void Stopping();
  void WatchdogIfDue();

  // Half of WatchdogSec: how often the main loop must call WatchdogIfDue; unset without one.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  void Send(const std::string& message);

  std::optional<std::chrono::microseconds> watchdog_interval_;
  Clock::time_point last_watchdog_{};
  std::string last_status_;
};

}  // namespace sidecar::app
