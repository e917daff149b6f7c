// ConnectionTable's lifetime counters: what the serve port sent, by the open
// connections and by those already closed, never going back.
#include "downstream/connection_table.h"

#include <gtest/gtest.h>

namespace sidecar::downstream {
namespace {

TEST(ConnectionTableTest, TotalSentKeepsWhatClosedConnectionsSent) {
  ConnectionTable table(4);
  auto first = table.Open("127.0.0.1:1000", -1);
  auto second = table.Open("127.0.0.1:1001", -1);
  ASSERT_TRUE(first && second);
  first->CountSent(100, 2);
  second->CountSent(50, 1);
  EXPECT_EQ(table.TotalSent().bytes, 150u);
  EXPECT_EQ(table.TotalSent().events, 3u);

  table.Close(first->id());
  first->CountSent(999, 9);  // a session's late count after its slot closed is not counted
  EXPECT_EQ(table.TotalSent().bytes, 150u) << "a closed connection's bytes were lost";
  second->CountSent(10, 1);
  table.Close(second->id());
  table.Close(second->id());  // twice: counted once
  EXPECT_EQ(table.TotalSent().bytes, 160u);
  EXPECT_EQ(table.TotalSent().events, 4u);
  EXPECT_TRUE(table.Readers().empty());
}

}  // namespace
}  // namespace sidecar::downstream
