// StatusCollector: upstream error classification, and snapshots before Attach.
#include "app/status_collector.h"

#include <gtest/gtest.h>

namespace sidecar::app {
namespace {

TEST(ClassifyUpstreamErrorTest, ByThePrimarysErrorCode) {
  EXPECT_EQ(ClassifyUpstreamError(""), UpstreamErrorKind::kNone);
  EXPECT_EQ(ClassifyUpstreamError("pull from h:3306: access denied by h:3306 for user 'repl': "
                                  "ERROR 1045 (28000): Access denied for user 'repl'@'x'; "
                                  "reconnecting in 100 ms"),
            UpstreamErrorKind::kAuth);
  EXPECT_EQ(ClassifyUpstreamError("h:3306 ended the dump at mysql-bin.000001:4: ERROR 1236 "
                                  "(HY000): Could not find first log file name"),
            UpstreamErrorKind::kConfig);
  EXPECT_EQ(ClassifyUpstreamError("h:3306 answered ERROR 1227 (42000): Access denied; you need "
                                  "the REPLICATION SLAVE privilege"),
            UpstreamErrorKind::kConfig);
  EXPECT_EQ(ClassifyUpstreamError("pull from h:3306: connect: Connection refused"),
            UpstreamErrorKind::kNetwork);
  EXPECT_EQ(ClassifyUpstreamError("ERROR 2013: lost connection; ERROR abc"),
            UpstreamErrorKind::kNetwork);
  EXPECT_EQ(ClassifyUpstreamError("ERROR 99999999999999999999"), UpstreamErrorKind::kNetwork);
}

TEST(StatusCollectorTest, BeforeAttachItIsRecovering) {
  StatusCollector collector("1.2.3", "/data");
  const StatusSnapshot s = collector.Collect();
  EXPECT_TRUE(s.recovering);
  EXPECT_EQ(s.version, "1.2.3");
  EXPECT_EQ(s.storage.data_dir, "/data");
  EXPECT_FALSE(s.budget);
  EXPECT_FALSE(s.readers);
}

}  // namespace
}  // namespace sidecar::app
