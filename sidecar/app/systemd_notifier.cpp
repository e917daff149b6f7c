#include "app/systemd_notifier.h"

#include <systemd/sd-daemon.h>

namespace sidecar::app {

SystemdNotifier::SystemdNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
  }
}

void SystemdNotifier::Send(const std::string& message) {
  sd_notify(/*unset_environment=*/0, message.c_str());
}

void SystemdNotifier::Ready(std::string_view status) {
  last_status_ = std::string(status);
  Send("READY=1\nSTATUS=" + last_status_);
}

void SystemdNotifier::Status(std::string_view line) {
  if (line == last_status_) return;
  last_status_ = std::string(line);
  Send("STATUS=" + last_status_);
}

void SystemdNotifier::Stopping() { Send("STOPPING=1\nSTATUS=stopping"); }

void SystemdNotifier::WatchdogIfDue() {
  if (!watchdog_interval_) return;
  const Clock::time_point now = Clock::now();
  if (now - last_watchdog_ < *watchdog_interval_) return;
  last_watchdog_ = now;
  Send("WATCHDOG=1");
}

}  // namespace sidecar::app
