// The conversions between the model's milliseconds and protobuf's Timestamp and
// Duration give what protobuf's own TimeUtil gives, negative times included.
#include <catch2/catch.hpp>

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include "services/api/convert.h"

namespace baraza::api {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;

constexpr int64_t kMillis[] = {1,       999,       1000,        1001,           -1,
                               -999,    -1000,     -1001,       1796118440849,  -1796118440849,
                               86400000, 2592000000, 253402300799999};

TEST_CASE("a time converts to the Timestamp TimeUtil gives", "[api][convert]") {
  for (int64_t ms : kMillis) {
    google::protobuf::Timestamp ours;
    ToTimestamp(ms, &ours);
    INFO(ms << " ms: " << ours.ShortDebugString());
    CHECK(MessageDifferencer::Equals(ours, TimeUtil::MillisecondsToTimestamp(ms)));
    CHECK(TimeUtil::TimestampToMilliseconds(ours) == ms);
  }
}

TEST_CASE("time zero writes nothing into the Timestamp", "[api][convert]") {
  google::protobuf::Timestamp ours;
  ours.set_seconds(5);
  ours.set_nanos(7);
  ToTimestamp(0, &ours);  // 0 means "never": the caller's message is left as it was
  CHECK(ours.seconds() == 5);
  CHECK(ours.nanos() == 7);
}

TEST_CASE("a length of time converts to the Duration TimeUtil gives", "[api][convert]") {
  for (int64_t ms : kMillis) {
    google::protobuf::Duration ours;
    ToDuration(ms, &ours);
    INFO(ms << " ms: " << ours.ShortDebugString());
    CHECK(MessageDifferencer::Equals(ours, TimeUtil::MillisecondsToDuration(ms)));
    CHECK(FromDuration(ours) == ms);
  }
}

}  // namespace
}  // namespace baraza::api
